package pgeventserv.fanout;

import java.util.concurrent.TimeUnit;

/**
 * How much may wait for one client before it counts as too slow ({@code SessionQueueMessages},
 * {@code SessionQueueBytes}), what it is told then, and how long a client closed while its last write is stuck
 * may take to read it before it is dropped without a close frame.
 */
public record Limits(int messages, long bytes, long stallGraceNanos) {

    static final long STALL_GRACE_NANOS = TimeUnit.SECONDS.toNanos(10);

    public Limits(int messages, long bytes) {
        this(messages, bytes, STALL_GRACE_NANOS);
    }

    Farewell tooSlow() {
        return new Farewell(Farewell.TRY_AGAIN_LATER,
                "too slow: more than " + messages + " messages or " + bytes + " bytes queued");
    }
}
