package pgeventserv.fanout;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * One thread that makes the writes of the outboxes handed to it: the listener thread puts an outbox on the lane
 * ({@link #schedule}) and goes on at once; the lane drains it. The lane's list is a stack linked through the
 * outboxes themselves (no node per hand-over) that the lane takes whole, and an outbox is on it at most once.
 *
 * <p>Order: a client's messages are in its outbox's queue in the order they were put there, and only one thread at
 * a time drains an outbox (its {@code wip} counter); the lane decides only which client is written first, never the
 * order of one client's messages.
 *
 * <p>Threads: {@link #schedule} from any thread; {@link #run} on the lane's own.
 */
final class WriteLane implements Runnable {

    private static final System.Logger LOG = System.getLogger(WriteLane.class.getName());

    private final AtomicReference<Outbox> scheduled = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean stopped;

    /** The lane on a thread of its own from {@code threads}, started now. */
    WriteLane(ThreadFactory threads, String name) {
        thread = threads.newThread(this);
        thread.setName(name);
        thread.start();
    }

    /** The outbox is drained on this lane soon; no wait, no allocation. */
    void schedule(Outbox outbox) {
        if (!outbox.markScheduled()) {
            return;
        }
        Outbox head;
        do {
            head = scheduled.get();
            outbox.nextScheduled = head;
        } while (!scheduled.compareAndSet(head, outbox));
        if (head == null) {
            // The lane may be parked: it found its list empty. A lane already at work finds this outbox next round.
            LockSupport.unpark(thread);
        }
    }

    @Override
    public void run() {
        while (!stopped && !thread.isInterrupted()) {
            Outbox taken = scheduled.getAndSet(null);
            if (taken == null) {
                LockSupport.park(this);
                continue;
            }
            drainAll(reversed(taken));
        }
    }

    /** The list in the order the outboxes were scheduled. */
    private static Outbox reversed(Outbox top) {
        Outbox reversed = null;
        while (top != null) {
            Outbox next = top.nextScheduled;
            top.nextScheduled = reversed;
            reversed = top;
            top = next;
        }
        return reversed;
    }

    private static void drainAll(Outbox first) {
        for (Outbox o = first; o != null; ) {
            Outbox next = o.nextScheduled;
            o.nextScheduled = null;
            // Off the list before the drain: what is queued for it during the drain schedules it again.
            o.unmarkScheduled();
            try {
                o.drain();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a write lane's drain failed", e);
            }
            o = next;
        }
    }

    void stop() {
        stopped = true;
        LockSupport.unpark(thread);
    }

    /** Whether nothing waits on the lane (tests). */
    boolean idle() {
        return scheduled.get() == null;
    }
}
