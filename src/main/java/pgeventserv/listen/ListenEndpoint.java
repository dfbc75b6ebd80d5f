package pgeventserv.listen;

import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code ws://host:7700/listen/{channel}}: every NOTIFY payload on the channel, one text frame each, raw.
 * Thin on purpose: the handshake subscribes ({@link SubscribeOnHandshake}), {@link Subscription} delivers.
 */
@ServerEndpoint(value = "/listen/{channel}", configurator = SubscribeOnHandshake.class)
public class ListenEndpoint {

    private static final Logger LOG = Logger.getLogger(ListenEndpoint.class.getName());

    @OnOpen
    public void open(Session session) {
        Subscription subscription = subscription(session);
        LOG.fine(() -> "client connected to channel " + subscription.channel() + " (session " + session.getId() + ")");
        subscription.attach(session);
    }

    /** The protocol is server to client; what a client sends is ignored. */
    @OnMessage
    public void ignore(String message) {
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

    private static Subscription subscription(Session session) {
        return (Subscription) session.getUserProperties().get(SubscribeOnHandshake.SUBSCRIPTION);
    }
}
