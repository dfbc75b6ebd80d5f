package pgeventserv.postgres;

/** The wait between reconnect attempts: 0.1 s, doubling after each failure, capped at 10 s. Listener thread only. */
final class Backoff {

    static final long FIRST_MILLIS = 100;
    static final long MAX_MILLIS = 10_000;

    private long next = FIRST_MILLIS;

    /** The wait before the next attempt; the one after is twice as long, up to the cap. */
    long next() {
        long current = next;
        next = Math.min(next * 2, MAX_MILLIS);
        return current;
    }

    /** A connection succeeded: the next failure starts from the shortest wait again. */
    void reset() {
        next = FIRST_MILLIS;
    }
}
