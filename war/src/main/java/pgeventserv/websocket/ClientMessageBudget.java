package pgeventserv.websocket;

/**
 * How much a client may send on a server-to-client protocol: a few messages (a keep-alive "ping" text some
 * client libraries send) are tolerated, a stream of them is not. A token bucket: {@link #BURST} at once,
 * refilled at one per {@link #REFILL_NANOS}. One per session, used on that session's read thread only.
 */
final class ClientMessageBudget {

    static final int BURST = 10;
    static final long REFILL_NANOS = 1_000_000_000L;

    private long tokens = BURST;
    private long refilledAt;

    ClientMessageBudget(long now) {
        refilledAt = now;
    }

    /** Spends one message; false when the client has sent more than its budget. */
    boolean spend(long now) {
        long earned = (now - refilledAt) / REFILL_NANOS;
        if (earned > 0) {
            tokens = Math.min(BURST, tokens + earned);
            refilledAt += earned * REFILL_NANOS;
        }
        if (tokens == 0) {
            return false;
        }
        tokens--;
        return true;
    }
}
