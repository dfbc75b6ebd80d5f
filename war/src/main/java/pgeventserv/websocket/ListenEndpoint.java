package pgeventserv.websocket;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.websocket.CloseReason;
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
import pgeventserv.auth.Authorizer;
import pgeventserv.auth.Grant;
import pgeventserv.fanout.Farewell;
import pgeventserv.fanout.Subscriber;
import pgeventserv.fanout.Writer;
import pgeventserv.listen.UnsentUpgrade;

/**
 * {@code ws://host:7700/listen/{channel}}: every NOTIFY payload on the channel, one text frame each, raw; or, for
 * a client that offers the {@value Envelope#PROTOCOL} subprotocol, one JSON envelope each. Thin on purpose: the
 * handshake subscribes ({@link SubscribeOnHandshake}), the open session becomes the subscriber's writer.
 *
 * <p>The protocol is server to client. What a client sends is read and dropped, within limits: a message over
 * {@value #MAX_CLIENT_MESSAGE_BYTES} bytes closes the session with 1009 (the container enforces
 * {@code maxMessageSize}), more than {@link ClientMessageBudget} allows closes it with 1008. One endpoint instance
 * per connection, made by {@link SubscribeOnHandshake} (not by CDI), so its fields are that connection's.
 *
 * <p>Admitted with a token that expires, the session is closed with 1008 {@code token expired} then, by the relay's
 * periodic sweep.
 */
@ServerEndpoint(value = "/listen/{channel}", subprotocols = Envelope.PROTOCOL, configurator = SubscribeOnHandshake.class)
public class ListenEndpoint {

    static final int MAX_CLIENT_MESSAGE_BYTES = 4096;
    private static final Logger LOG = Logger.getLogger(ListenEndpoint.class.getName());

    private final SendPath sendPath;
    private final Authorizer authorizer;
    private final ClientMessageBudget budget = new ClientMessageBudget(System.nanoTime());
    private Subscriber subscriber;
    private WebSocketConnection connection;
    private UnsentUpgrade unsent;

    /** For containers that insist on a public no-argument constructor (Open Liberty checks at deployment). */
    public ListenEndpoint() {
        this(null, null);
    }

    ListenEndpoint(SendPath sendPath, Authorizer authorizer) {
        this.sendPath = sendPath;
        this.authorizer = authorizer;
    }

    @OnOpen
    public void open(Session session) {
        subscriber = (Subscriber) session.getUserProperties().get(SubscribeOnHandshake.SUBSCRIBER);
        LOG.fine(() -> "client connected to channel " + subscriber.channels() + " (session " + session.getId() + ")");
        SendPath path = sendPath != null ? sendPath : CDI.current().select(SendPath.class).get();
        connection = path.connection(session);
        Writer writer = path.writer(connection, subscriber);
        unsent = (UnsentUpgrade) session.getUserProperties().get(SubscribeOnHandshake.UNSENT);
        if (unsent == null) {
            subscriber.attach(writer);
        } else {
            // Its 101 is still held back: a frame written before it would break the protocol.
            unsent.opened(() -> subscriber.attach(writer));
        }
        UpgradeRelease.after(session);
        if (session.getUserProperties().get(SubscribeOnHandshake.GRANT) instanceof Grant grant) {
            Authorizer auth = authorizer != null ? authorizer : CDI.current().select(Authorizer.class).get();
            auth.endAtExpiry(grant, subscriber);
        }
    }

    @OnMessage(maxMessageSize = MAX_CLIENT_MESSAGE_BYTES)
    public void text(String message, Session session) {
        received();
    }

    @OnMessage(maxMessageSize = MAX_CLIENT_MESSAGE_BYTES)
    public void binary(ByteBuffer message, Session session) {
        received();
    }

    @OnMessage
    public void pong(PongMessage pong, Session session) {
        connection.ponged();
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        LOG.fine(() -> "client disconnected from channel " + subscriber.channels() + " (session " + session.getId()
                + "): " + reason.getCloseCode().getCode() + " " + reason.getReasonPhrase());
        if (unsent != null) {
            unsent.gone();
        }
        subscriber.end();
    }

    @OnError
    public void error(Session session, Throwable error) {
        LOG.log(Level.FINE, "session " + session.getId() + " failed", error);
        if (unsent != null) {
            unsent.gone();
        }
        if (subscriber != null) {
            subscriber.end();
        }
    }

    private void received() {
        if (!budget.spend(System.nanoTime())) {
            subscriber.close(new Farewell(Farewell.POLICY_VIOLATION,
                    "this endpoint only sends: at most " + ClientMessageBudget.BURST + " client messages at once"));
        }
    }
}
