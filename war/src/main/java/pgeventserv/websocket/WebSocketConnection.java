package pgeventserv.websocket;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;
import pgeventserv.fanout.Farewell;

/** What both WebSocket writers do alike: keep the session alive with pings, and close it with a reason. */
final class WebSocketConnection {

    private static final Logger LOG = Logger.getLogger(WebSocketConnection.class.getName());
    private static final byte[] PING = {'p', 'g'};

    private final Session session;
    private final Executor executor;
    private volatile boolean awaitingPong;

    WebSocketConnection(Session session, Executor executor) {
        this.session = session;
        this.executor = executor;
    }

    Session session() {
        return session;
    }

    /** Pings unless the previous ping is unanswered; false then. */
    boolean ping() {
        if (awaitingPong) {
            return false;
        }
        awaitingPong = true;
        try {
            // A fresh writable buffer each time: Open Liberty's transport asks a ping's buffer for its array, and a
            // read-only one threw ReadOnlyBufferException there after the session's write state was taken, so every
            // later write of that session was refused and its close waited for good on a server thread.
            session.getAsyncRemote().sendPing(ByteBuffer.wrap(PING.clone()));
        } catch (IOException | RuntimeException e) {
            // The session is closing (its @OnClose ends the subscriber), or, on Open Liberty, another write of the
            // session is still in progress: the ping stays unanswered, and the next tick closes the session.
            LOG.log(Level.FINE, "ping of session " + session.getId() + " refused", e);
        }
        return true;
    }

    void ponged() {
        awaitingPong = false;
    }

    /**
     * A close frame can block on a client that does not read, so it is written on an executor thread, never the
     * caller's (often the listener thread). Going away (shutdown) is the exception: by then the executor may no
     * longer run anything, and every client must get its 1001.
     */
    void close(Farewell farewell) {
        CloseReason reason = new CloseReason(CloseReason.CloseCodes.getCloseCode(farewell.code()), farewell.reason());
        LOG.fine(() -> "closing session " + session.getId() + ": " + farewell.code() + " " + farewell.reason());
        if (farewell.code() == Farewell.GOING_AWAY) {
            closeNow(reason);
            return;
        }
        try {
            executor.execute(() -> closeNow(reason));
        } catch (RejectedExecutionException e) {
            closeNow(reason);
        }
    }

    private void closeNow(CloseReason reason) {
        try {
            if (session.isOpen()) {
                session.close(reason);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "closing a session", e);
        }
    }
}
