package pgeventserv.postgres;

import java.time.Duration;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where the LISTEN connection stands, and the log of it: one line per change of state (never one per reconnect
 * attempt, which goes to FINE), when it went down, and how often it came back.
 *
 * <p>Written by the listener thread; the state and the count are read by health checks and metrics.
 */
final class ListenerStatus {

    private static final Logger LOG = Logger.getLogger(NotificationListener.class.getName());

    private volatile ListenerState state = ListenerState.CONNECTING;
    private volatile long reconnects;
    // Listener thread only.
    private Instant downSince;
    private boolean connectedBefore;

    ListenerState state() {
        return state;
    }

    long reconnects() {
        return reconnects;
    }

    /** Whether the connection went down after it had been up (not just never reached yet). */
    boolean down() {
        return state == ListenerState.DOWN;
    }

    Instant downSince() {
        return downSince;
    }

    /** A connection is up and LISTENs every wanted channel. */
    void up(String who, int channels) {
        if (connectedBefore) {
            reconnects++;
            change(ListenerState.UP, "LISTEN connection back after " + Duration.between(downSince, Instant.now()).toMillis()
                    + " ms, " + channels + " channels LISTENed again; notifications sent meanwhile were missed");
        } else {
            connectedBefore = true;
            change(ListenerState.UP, "LISTEN connection up: " + who);
        }
    }

    /**
     * The connection failed, or could not be made; {@code why} says why. {@code lastHeard} is when the connection
     * last proved it was delivering: for a connection that stalled silently that is seconds before the failure
     * shows, and what PostgreSQL sent since then is lost too, so the outage told to clients starts there.
     */
    void failed(String why, Instant lastHeard) {
        if (state == ListenerState.DOWN) {
            change(ListenerState.DOWN, "reconnect attempt failed: " + why);
            return;
        }
        downSince = lastHeard;
        String retrying = "not ready; retrying with backoff up to " + Backoff.MAX_MILLIS / 1000 + " s: " + why;
        change(ListenerState.DOWN, connectedBefore ? "LISTEN connection lost, " + retrying
                : "cannot reach the database, " + retrying);
    }

    void stopped() {
        state = ListenerState.STOPPED;
    }

    private void change(ListenerState next, String message) {
        ListenerState previous = state;
        state = next;
        if (previous != next) {
            LOG.log(next == ListenerState.DOWN ? Level.WARNING : Level.INFO, message);
        } else {
            LOG.fine(message);
        }
    }
}
