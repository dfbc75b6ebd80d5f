package pgeventserv.websocket;

/**
 * How much a client may send on a server-to-client protocol: a few messages (a keep-alive "ping" text some
 * client libraries send) are tolerated, a stream of them is not; a multiplexed session's commands get a larger
 * budget. A token bucket: {@code burst} at once, refilled at one per {@code refillNanos}. One per session, used on
 * that session's read thread only.
 */
final class ClientMessageBudget {

    static final int BURST = 10;
    static final long REFILL_NANOS = 1_000_000_000L;

    private final int burst;
    private final long refillNanos;
    private long tokens;
    private long refilledAt;

    ClientMessageBudget(long now) {
        this(now, BURST, REFILL_NANOS);
    }

    ClientMessageBudget(long now, int burst, long refillNanos) {
        this.burst = burst;
        this.refillNanos = refillNanos;
        this.tokens = burst;
        this.refilledAt = now;
    }

    int burst() {
        return burst;
    }

    /** Spends one message; false when the client has sent more than its budget. */
    boolean spend(long now) {
        long earned = (now - refilledAt) / refillNanos;
        if (earned > 0) {
            tokens = Math.min(burst, tokens + earned);
            refilledAt += earned * refillNanos;
        }
        if (tokens == 0) {
            return false;
        }
        tokens--;
        return true;
    }
}
