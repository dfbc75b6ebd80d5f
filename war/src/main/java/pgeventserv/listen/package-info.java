/**
 * The front door of {@code /listen/{channel}} and {@code /listen}: {@link pgeventserv.listen.ListenFilter} checks
 * every request the same way, whatever transport it asks for (WebSocket or server-sent events), and answers a
 * refusal as plain HTTP before any upgrade or stream.
 */
package pgeventserv.listen;
