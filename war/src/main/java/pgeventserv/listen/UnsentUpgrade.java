package pgeventserv.listen;

import java.io.Flushable;
import java.io.IOException;
import java.util.logging.Logger;

/**
 * The 101 of one WebSocket handshake, written but held back until its channel's LISTEN is in effect, so a NOTIFY
 * committed right after the client sees its socket open is delivered (see {@link UpgradeDeferrals}). It is sent once
 * both have happened, in either order: the session opened ({@link #opened}, which says what to do once the 101 is
 * out: attach the subscriber to its writer, so no frame goes before it) and the wait is over ({@link #due}: the
 * LISTEN is in effect, the listener is known stalled or down, or 5 s passed).
 *
 * <p>{@code PENDING → SENT}, or {@code PENDING → GONE} when the connection closes first ({@link #gone}, from the
 * session's close) or the send fails. The send happens under the same lock as {@link #gone}: the server recycles
 * the request and its response only after the session's close has run, so a response found {@code PENDING} under
 * the lock is still this handshake's.
 *
 * <p>Threads: the request thread ({@link #opened}), the thread that sends deferred 101s ({@link #due}), the
 * server's thread that closes the session ({@link #gone}); never the listener thread.
 */
public final class UnsentUpgrade {

    enum State {
        PENDING,
        SENT,
        GONE
    }

    private static final Logger LOG = Logger.getLogger(UnsentUpgrade.class.getName());
    /** The deferred handshake this request thread runs, from the front door to {@code modifyHandshake}. */
    private static final ThreadLocal<UnsentUpgrade> HANDSHAKE = new ThreadLocal<>();

    private final Flushable commit;
    private final long sinceNanos;
    // Guarded by this.
    private State state = State.PENDING;
    private boolean due;
    private Runnable afterSent;

    /** {@code commit} sends what the response holds: the real response's {@code flushBuffer}. */
    UnsentUpgrade(Flushable commit, long sinceNanos) {
        this.commit = commit;
        this.sinceNanos = sinceNanos;
    }

    /** The deferred handshake this thread runs, or null: the handshake waits for its LISTEN as usual. */
    public static UnsentUpgrade ofThisHandshake() {
        return HANDSHAKE.get();
    }

    static void handshaking(UnsentUpgrade unsent) {
        HANDSHAKE.set(unsent);
    }

    static void handshaken() {
        HANDSHAKE.remove();
    }

    /** The session opened; {@code afterSent} runs once the 101 is out, at once if it is already due. */
    public void opened(Runnable afterSent) {
        synchronized (this) {
            this.afterSent = afterSent;
        }
        sendIfReady();
    }

    /** The wait for the LISTEN is over: the 101 goes once the session has opened. */
    void due() {
        synchronized (this) {
            due = true;
        }
        sendIfReady();
    }

    /** The connection closed: the 101 is never sent, and its response never touched again. */
    public void gone() {
        synchronized (this) {
            if (state == State.PENDING) {
                state = State.GONE;
            }
        }
    }

    synchronized State state() {
        return state;
    }

    /** Still waiting for its LISTEN: neither due nor settled. */
    synchronized boolean waiting() {
        return state == State.PENDING && !due;
    }

    long sinceNanos() {
        return sinceNanos;
    }

    private void sendIfReady() {
        Runnable then;
        synchronized (this) {
            if (state != State.PENDING || !due || afterSent == null) {
                return;
            }
            try {
                commit.flush();
            } catch (IOException e) {
                state = State.GONE;
                LOG.fine(() -> "a deferred 101 could not be sent (the client went?): " + e);
                return;
            } catch (RuntimeException e) {
                state = State.GONE;
                LOG.warning("a deferred 101 could not be sent: " + e);
                return;
            }
            state = State.SENT;
            then = afterSent;
        }
        // Outside the lock: attaching writes to the connection, and the session's close may wait for this lock.
        then.run();
    }
}
