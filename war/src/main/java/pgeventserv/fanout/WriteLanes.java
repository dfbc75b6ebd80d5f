package pgeventserv.fanout;

import java.util.concurrent.ThreadFactory;

/**
 * The writer threads that take one poll's writes off the listener thread, spread over as many threads as asked
 * (the wiring's {@code -Dpgeventserv.writeLanes}, as many as the machine has cores with {@code cores}): each
 * subscriber is given a lane when it is made, round-robin, and keeps it, so its writes stay in order while
 * different subscribers' writes run at once. With none, the listener thread writes every client itself
 * ({@link #NONE}), the default: measured on a shared 2-core machine, the lanes did not lower the median.
 *
 * <p>The listener thread never waits for a lane: it queues the poll's batch in the subscriber's outbox and puts
 * the outbox on its lane, nothing more. Threads: any.
 */
public final class WriteLanes {

    /** No lanes: whoever delivers writes. */
    public static final WriteLanes NONE = new WriteLanes(new WriteLane[0]);

    private final WriteLane[] lanes;
    private int next;

    private WriteLanes(WriteLane[] lanes) {
        this.lanes = lanes;
    }

    /** {@code count} lanes, each on a thread of its own from {@code threads}, started now; none for zero. */
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

    /** The lane of a new subscriber; null when there are none. */
    synchronized WriteLane next() {
        if (lanes.length == 0) {
            return null;
        }
        WriteLane lane = lanes[next];
        next = (next + 1) % lanes.length;
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
