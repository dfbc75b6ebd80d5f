/**
 * The front door of {@code /listen/{channel}} and {@code /listen}: {@link pgeventserv.listen.ListenFilter} checks
 * every request the same way, whatever transport it asks for (WebSocket or server-sent events), and answers a
 * refusal as plain HTTP before any upgrade or stream. {@link pgeventserv.listen.EnvelopeJson} is the JSON both
 * transports send alike (notification, gap, error), so neither imports the other.
 */
package pgeventserv.listen;
