/**
 * The WebSocket side: the {@code /listen/{channel}} endpoint, its handshake checks, and delivery.
 *
 * <p>Order of a connection: {@link pgeventserv.listen.HandshakeFilter} refuses bad names (400), pages whose
 * {@code Origin} {@link pgeventserv.listen.OriginPolicy} does not allow (403), refused channels (403) and
 * non-upgrades (426) as plain HTTP; {@link pgeventserv.listen.SubscribeOnHandshake} registers the
 * {@link pgeventserv.listen.Subscription} and waits for the channel's LISTEN before the 101 goes out; the
 * endpoint's {@code @OnOpen} attaches the session and queued frames start flowing.
 *
 * <p>Ownership: {@link pgeventserv.listen.Subscribers} owns the channel map (changed under one lock, read
 * without one); each Subscription owns its queue and its session's sending. The listener thread only
 * enqueues: it never writes to a socket that could block it, so a slow client delays nobody but itself.
 */
package pgeventserv.listen;
