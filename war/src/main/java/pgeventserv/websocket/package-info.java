/**
 * The WebSocket side: the {@code /listen/{channel}} endpoint, its handshake checks, and delivery.
 *
 * <p>Order of a connection: {@link pgeventserv.listen.HandshakeFilter} refuses bad names (400), pages whose
 * {@code Origin} {@link pgeventserv.listen.OriginPolicy} does not allow (403), refused channels (403),
 * non-upgrades (426) and upgrades beyond {@code MaxSessions} (503) as plain HTTP;
 * {@link pgeventserv.listen.SubscribeOnHandshake} registers the
 * {@link pgeventserv.listen.Subscription} and waits for the channel's LISTEN before the 101 goes out; the
 * endpoint's {@code @OnOpen} attaches the session and queued frames start flowing.
 *
 * <p>Ownership: {@link pgeventserv.listen.Subscribers} owns the channel map (changed under one lock, read
 * without one) and each channel's {@link pgeventserv.listen.Batch} (listener thread only); each Subscription
 * owns its queue and its session's sending. The listener thread never waits on a client: on the raw path it
 * hands each write to Tyrus, which queues what the socket does not take at once, and a client whose last write
 * is still outstanding gets its frames queued here instead; so a slow client delays nobody but itself.
 *
 * <p>Telling clients about a database outage: raw frames are the payloads themselves, so nothing can be said
 * in band, and closing every socket would break the original's clients that never reconnect; raw sessions stay
 * open and resume silently. A client that must know offers the {@link pgeventserv.listen.Envelope} subprotocol
 * and gets a {@code gap} message, queued by {@link pgeventserv.listen.Subscribers} on the listener thread when
 * the {@link pgeventserv.notification.Gap} event fires, so it precedes every notification of the new connection.
 *
 * <p>Closing: everything that closes a session goes through the Subscription, once ({@code closing}), on an
 * executor thread (a close frame can block). A slow client is unsubscribed at once but closed only when its
 * outstanding write completes (or after a grace period): Tyrus drops the connection as soon as a close starts,
 * and a close frame stuck behind unwritten data would never reach the client. Keep-alive: one scheduled task
 * pings every session each {@code PingInterval}; a session that did not answer the previous ping is closed.
 *
 * <p>The viewer: {@link pgeventserv.listen.ViewerServlet} fills the page's one settings object
 * ({@code {"channels": [patterns], "urlBase": null or URL}}) and nothing else is server-side. The page
 * ({@code WEB-INF/viewer/index.html}, plain HTML/CSS/JS, nothing fetched from elsewhere) builds every URL relative
 * to itself, so it works at any context root; {@code urlBase}, when set, is the public URL of the page's
 * directory (BasePath included). A browser reports a refused handshake only as close code 1006, so the page then
 * asks the same URL over plain HTTP and shows the 400/403 text. Its memory is bounded: the last 500 messages.
 */
package pgeventserv.websocket;
