package pgeventserv.listen;

import pgeventserv.fanout.Subscriber;

/**
 * The subscriber a WebSocket handshake made before its answer ({@code modifyHandshake}), held for the front door
 * until the handshake is answered: one answered with an error (the upgrade failed after it, say the endpoint could not
 * be made) ends it at once, giving back its {@code MaxSessions} place and its channels, rather than at the sweep of
 * unopened handshakes. An answer the server does not show the front door (no status set through the servlet response)
 * leaves it to that sweep.
 *
 * <p>Threads: the request thread that runs the handshake, which on every server runs the front door and
 * {@code modifyHandshake} in turn (a thread-local slot, emptied with each answer).
 */
public final class HandshakeSubscriber {

    private static final ThreadLocal<Subscriber> MADE = new ThreadLocal<>();

    private HandshakeSubscriber() {
    }

    /** {@code modifyHandshake} made {@code subscriber} for the handshake this thread runs. */
    public static void made(Subscriber subscriber) {
        MADE.set(subscriber);
    }

    /** A handshake starts on this thread: nothing is held for it yet. */
    static void starting() {
        MADE.remove();
    }

    /** The handshake this thread ran was answered {@code status}: an error ends what it made, if still unopened. */
    static void answered(int status) {
        Subscriber made = MADE.get();
        MADE.remove();
        if (made != null && status >= 400 && made.state() == Subscriber.State.HANDSHAKE) {
            made.end();
        }
    }
}
