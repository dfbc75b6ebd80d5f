package pgeventserv.postgres;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The notification the listener sends itself to prove the whole path works: LISTEN connection, PostgreSQL's
 * notification queue, and the listener thread that reads it. A connection can look open and still deliver
 * nothing (a stuck thread, a silently cut network), so readiness rests on canaries coming back, not on the
 * connection's state alone.
 *
 * <p>Times are {@link System#nanoTime()} values passed in, so the rules are testable without a clock. Written
 * by the listener thread only; read by health checks and metrics (hence the volatile fields).
 */
final class Canary {

    static final long INTERVAL_NANOS = 5_000_000_000L;
    /** A canary that has not come back this long after it was due counts as lost. */
    static final long MAX_DELAY_NANOS = 5_000_000_000L;
    private static final long NEVER = Long.MIN_VALUE;

    private final String channel;
    private long sequence;
    private long sentAt = NEVER;
    private long sentSequence = -1;
    private volatile long returnedAt = NEVER;
    private volatile long roundTripNanos = -1;

    Canary() {
        this("pg_eventserv_canary_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE));
    }

    Canary(String channel) {
        this.channel = channel;
    }

    /** A channel name no client will ask for: the LISTENed set keeps it apart from clients' channels. */
    String channel() {
        return channel;
    }

    /** Due when none was sent on this connection yet, or the last one is an interval old. */
    boolean due(long now) {
        return sentAt == NEVER || now - sentAt >= INTERVAL_NANOS;
    }

    /** Records the send and returns the payload to NOTIFY. */
    String send(long now) {
        sentAt = now;
        sentSequence = ++sequence;
        return Long.toString(sentSequence);
    }

    /**
     * The connection is gone: readiness now waits for a canary on the next one, which is sent at once, so
     * readiness follows a reconnect without waiting an interval.
     */
    void reset() {
        sentAt = NEVER;
        returnedAt = NEVER;
    }

    void returned(String payload, long now) {
        if (Long.toString(sentSequence).equals(payload)) {
            roundTripNanos = now - sentAt;
            returnedAt = now;
        }
    }

    /** A canary came back within the last interval plus the allowed delay. */
    boolean healthy(long now) {
        long last = returnedAt;
        return last != NEVER && now - last <= INTERVAL_NANOS + MAX_DELAY_NANOS;
    }

    /** The last round trip in nanoseconds, or -1 before the first. */
    long roundTripNanos() {
        return roundTripNanos;
    }
}
