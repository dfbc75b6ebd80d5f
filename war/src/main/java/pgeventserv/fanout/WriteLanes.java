package pgeventserv.fanout;

import java.util.concurrent.ThreadFactory;

/**
 * The writer threads that share one poll's writes with the listener thread (the wiring's
 * {@code -Dpgeventserv.writeLanes}, none by default; {@code cores} for one fewer than the machine has cores):
 * each subscriber is given a share when it is made, round-robin, and keeps it, so its writes stay in order while
 * different subscribers' writes run at once. The first share of every round is the listener's own (a null lane:
 * whoever delivers writes), so a lone client is written as with no lanes at all ({@link #NONE}).
 *
 * <p>Why the listener keeps a share: on a 2-core machine, writer threads that took every write off the listener
 * did not lower the median (each hand-off waited for a writer to wake); the listener writing half of a poll's
 * clients while one writer thread writes the other half did, by about 0.5 ms at 100 clients x 100/s. Flat out, a
 * lane that falls behind has its clients' batches queued, which cost up to half the deliveries at 100 clients:
 * hence off by default (docs/benchmarks.md).
 *
 * <p>The listener thread never waits for a lane: it queues the poll's batch in the subscriber's outbox and puts
 * the outbox on its lane, nothing more. Threads: any.
 */
public final class WriteLanes {

    /** No writer threads: whoever delivers writes every client. */
    public static final WriteLanes NONE = new WriteLanes(new WriteLane[0]);

    private final WriteLane[] lanes;
    private int next;

    private WriteLanes(WriteLane[] lanes) {
        this.lanes = lanes;
    }

    /** {@code count} lanes beside the listener's share, each on a thread of its own from {@code threads}, started now. */
    public static WriteLanes start(int count, ThreadFactory threads) {
        if (count <= 0) {
            return NONE;
        }
        WriteLane[] lanes = new WriteLane[count];
        for (int i = 0; i < count; i++) {
            lanes[i] = new WriteLane(threads, "pg_eventserv-writer-" + i);
        }
        return new WriteLanes(lanes);
    }

    public int count() {
        return lanes.length;
    }

    /** The lane of a new subscriber: null for the listener's share, which is every one when there are no lanes. */
    synchronized WriteLane next() {
        if (lanes.length == 0) {
            return null;
        }
        WriteLane lane = next == 0 ? null : lanes[next - 1];
        next = (next + 1) % (lanes.length + 1);
        return lane;
    }

    /** Undeploy: the lanes end once their current round is written. */
    public void stop() {
        for (WriteLane lane : lanes) {
            lane.stop();
        }
    }

    /** Whether nothing waits on any lane (tests). */
    boolean idle() {
        for (WriteLane lane : lanes) {
            if (!lane.idle()) {
                return false;
            }
        }
        return true;
    }
}
