package pgeventserv.listen;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code ws://host:7700/listen/{channel}}: every NOTIFY payload on the channel, one text frame each, raw; or, for
 * a client that offers the {@value Envelope#PROTOCOL} subprotocol, one JSON envelope each.
 * Thin on purpose: the handshake subscribes ({@link SubscribeOnHandshake}), {@link Subscription} delivers.
 *
 * <p>The protocol is server to client. What a client sends is read and dropped, within limits: a message over
 * {@value #MAX_CLIENT_MESSAGE_BYTES} bytes closes the session with 1009 (the container enforces
 * {@code maxMessageSize}), more than {@link ClientMessageBudget} allows closes it with 1008. One endpoint
 * instance per connection, so the budget is a plain field. Made by {@link SubscribeOnHandshake}, not by CDI: keep it
 * free of injected fields.
 */
@ServerEndpoint(value = "/listen/{channel}", subprotocols = Envelope.PROTOCOL, configurator = SubscribeOnHandshake.class)
public class ListenEndpoint {

    static final int MAX_CLIENT_MESSAGE_BYTES = 4096;
    private static final Logger LOG = Logger.getLogger(ListenEndpoint.class.getName());

    private final ClientMessageBudget budget = new ClientMessageBudget(System.nanoTime());

    @OnOpen
    public void open(Session session) {
        Subscription subscription = subscription(session);
        LOG.fine(() -> "client connected to channel " + subscription.channel() + " (session " + session.getId() + ")");
        subscription.attach(session);
    }

    @OnMessage(maxMessageSize = MAX_CLIENT_MESSAGE_BYTES)
    public void text(String message, Session session) {
        received(session);
    }

    @OnMessage(maxMessageSize = MAX_CLIENT_MESSAGE_BYTES)
    public void binary(ByteBuffer message, Session session) {
        received(session);
    }

    @OnMessage
    public void pong(PongMessage pong, Session session) {
        subscription(session).ponged();
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        Subscription subscription = subscription(session);
        LOG.fine(() -> "client disconnected from channel " + subscription.channel() + " (session " + session.getId()
                + "): " + reason.getCloseCode().getCode() + " " + reason.getReasonPhrase());
        subscription.cancel();
    }

    @OnError
    public void error(Session session, Throwable error) {
        LOG.log(Level.FINE, "session " + session.getId() + " failed", error);
        subscription(session).cancel();
    }

    private void received(Session session) {
        if (!budget.spend(System.nanoTime())) {
            subscription(session).close(new CloseReason(CloseCodes.VIOLATED_POLICY,
                    "this endpoint only sends: at most " + ClientMessageBudget.BURST + " client messages at once"));
        }
    }

    private static Subscription subscription(Session session) {
        return (Subscription) session.getUserProperties().get(SubscribeOnHandshake.SUBSCRIPTION);
    }
}
