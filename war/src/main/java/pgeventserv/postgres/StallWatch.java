package pgeventserv.postgres;

/**
 * Whether the LISTEN connection has stalled: a statement round trip (LISTENs, the canary's NOTIFY) unanswered for
 * longer than {@link #STALLED_AFTER_NANOS}. A round trip normally takes a millisecond or two; a connection that
 * stops answering while still open (a proxy or network that silently stops forwarding) only fails at the network
 * timeout, 10 s later. Knowing sooner lets readiness report it and lets handshakes stop waiting for LISTENs that will
 * not come before the reconnect.
 *
 * <p>Times are {@link System#nanoTime()} values passed in, so the rule is testable without a clock. Written by the
 * listener thread around each round trip; read by any thread (handshakes, health checks).
 */
final class StallWatch {

    /** Far above a healthy round trip even on a loaded machine, well under the network timeout. */
    static final long STALLED_AFTER_NANOS = 2_000_000_000L;
    private static final long NONE = Long.MIN_VALUE;

    private volatile long since = NONE;

    void started(long now) {
        since = now;
    }

    /** Answered, or failed: either way nothing is outstanding. */
    void ended() {
        since = NONE;
    }

    boolean stalled(long now) {
        long s = since;
        return s != NONE && now - s > STALLED_AFTER_NANOS;
    }
}
