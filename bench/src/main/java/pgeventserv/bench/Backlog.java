package pgeventserv.bench;

import java.util.concurrent.TimeUnit;

/**
 * How far the producer may run ahead of the slowest receiver: about half a second of that receiver's recent
 * pace, at least {@link #FLOOR} and at most a fixed bound. Enough queued work that the relay never waits for
 * the producer; little enough that a slow relay drains the rest in seconds once the phase ends, and that no
 * client's queue nears the relay's slow-consumer bound.
 */
final class Backlog {

    static final long FLOOR = 200;
    private static final long SAMPLE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final long bound;
    private long window = FLOOR;
    private long sampleNanos;
    private long sampleReceived;

    Backlog(long bound, long nowNanos) {
        if (bound < FLOOR) {
            throw new IllegalArgumentException("a backlog bound under " + FLOOR);
        }
        this.bound = bound;
        this.sampleNanos = nowNanos;
    }

    /** Takes the slowest receiver's count; the window follows its pace, re-estimated four times a second. */
    void observe(long nowNanos, long minReceived) {
        long elapsed = nowNanos - sampleNanos;
        if (elapsed >= SAMPLE_NANOS) {
            long perSecond = (minReceived - sampleReceived) * 1_000_000_000L / elapsed;
            window = Math.max(FLOOR, Math.min(bound, perSecond / 2));
            sampleNanos = nowNanos;
            sampleReceived = minReceived;
        }
    }

    long window() {
        return window;
    }

    /** A quarter of the window per transaction, so a batch goes out well before the receivers run dry. */
    int batch() {
        return (int) Math.max(1, Math.min(1_000, window / 4));
    }
}
