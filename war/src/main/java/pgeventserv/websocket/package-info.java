/**
 * The WebSocket transport: the {@code /listen/{channel}} endpoint, the multiplexed {@code /listen} session
 * ({@link pgeventserv.websocket.SessionEndpoint}), and their two writers.
 *
 * <p>Order of a connection: {@link pgeventserv.listen.ListenFilter} refuses bad names (400), pages whose
 * {@code Origin} is not allowed and refused channels (403), non-upgrades (426) and upgrades beyond
 * {@code MaxSessions} (503) as plain HTTP; {@link pgeventserv.websocket.SubscribeOnHandshake} subscribes and, while
 * the LISTEN connection is up, waits for the channel's LISTEN before the 101 goes out (never while it is down or
 * connecting: a storm of handshakes would park every HTTP worker); the endpoint's {@code @OnOpen} attaches the
 * session's writer and queued messages start flowing.
 *
 * <p>Writers: {@link pgeventserv.websocket.DirectWriter} on Payara, which hands frames framed once per poll for
 * every client of a channel straight to the session's Grizzly connection; {@link pgeventserv.websocket.RawFrameWriter}
 * where the implementation is Tyrus but its connection is out of reach, which writes those frames through Tyrus;
 * {@link pgeventserv.websocket.PortableWriter} everywhere else. {@link pgeventserv.websocket.SendPath} decides once at startup, warns when Tyrus is there but
 * out of reach, and shows the choice in {@code /metrics}. Both ping through
 * {@link pgeventserv.websocket.WebSocketConnection}, which also closes sessions on an executor thread (a close frame
 * can block).
 *
 * <p>Formats: raw (the payload itself, the original's protocol) or the opt-in {@link pgeventserv.websocket.Envelope}
 * subprotocol, whose messages carry ids, whose clients resume with {@code lastEventId} and are told of gaps.
 */
package pgeventserv.websocket;
