/**
 * Server-sent events ({@code text/event-stream}) on {@code /listen/{channel}} and {@code /listen?channel=...}:
 * {@link pgeventserv.sse.EventStreamServlet} opens the stream once the channels are LISTENed,
 * {@link pgeventserv.sse.EventStreamWriter} is the fan-out's writer for it (non-blocking servlet output), and
 * {@link pgeventserv.sse.EventStreamFormat} puts notifications, gaps and errors as events. Resuming after an id
 * ({@code Last-Event-ID} or {@code lastEventId}) and the gap are the fan-out's; this package only carries them.
 */
package pgeventserv.sse;
