package pgeventserv.websocket;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A few threads ({@code -Dpgeventserv.writeLanes=N}, off by default) that make the raw writes the listener thread
 * hands them, so that the sockets of a channel are written in parallel, by the lanes and the listener thread itself.
 *
 * <p>Why: at 100 clients x 1,000 notifications/s, writing every socket one after another took the listener thread
 * about 1 ms of each millisecond (a write through Tyrus, Catalina and Grizzly costs 10-25 µs on this machine), so a
 * notification waited for the previous one's round before its own; see docs/benchmarks.md.
 *
 * <p>A poll's round ends only once every lane is idle ({@link #finishRound}, on the listener thread, which helps
 * meanwhile): the next poll then finds every writer writable again and takes whatever arrived during the round as
 * one batch, one write per client. Without that wait the listener would poll again at once, one notification at a
 * time; writers still busy would make every client queue and frame its own copy, and at 1,000 clients the lanes
 * fell behind for good (measured: p50 2 s against 0.15 s).
 *
 * <p>Each writer has one lane for its life and at most one write waiting in it (the fan-out writes only when the
 * writer says it is writable), so a lane's queue is a stack of writers linked through their own field: no lock and
 * no allocation per write. A lane takes the whole stack at once; the order among different writers does not matter,
 * each writer's own writes stay in order. A lane parks when its stack is empty; whoever pushes onto an empty stack
 * unparks it.
 */
final class WriteLanes {

    private static final long STOP_WAIT_MILLIS = 2_000;

    private final Lane[] lanes;
    private final AtomicInteger next = new AtomicInteger();

    WriteLanes(int count, ThreadFactory threads) {
        lanes = new Lane[count];
        for (int i = 0; i < count; i++) {
            lanes[i] = new Lane();
            Thread t = threads.newThread(lanes[i]);
            t.setName("pg_eventserv-writer-" + i);
            t.setDaemon(true);
            lanes[i].thread = t;
        }
        for (Lane lane : lanes) {
            lane.thread.start();
        }
    }

    /** The lane of a new writer: round robin, so each lane gets its share of every channel's clients. */
    Lane assign() {
        return lanes[Math.floorMod(next.getAndIncrement(), lanes.length)];
    }

    int count() {
        return lanes.length;
    }

    /**
     * Listener thread, end of a poll: writes what the lanes have not started, then waits until they are idle,
     * at most {@code maxNanos}. Spins briefly, then yields: the lanes may need this core.
     */
    void finishRound(long maxNanos) {
        for (Lane lane : lanes) {
            lane.writeTaken(lane.stack.getAndSet(null));
        }
        long deadline = System.nanoTime() + maxNanos;
        int spins = 0;
        for (Lane lane : lanes) {
            while (lane.busy() && System.nanoTime() < deadline) {
                if (++spins < 200) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }
    }

    void stop() {
        for (Lane lane : lanes) {
            lane.running = false;
            LockSupport.unpark(lane.thread);
        }
        for (Lane lane : lanes) {
            try {
                lane.thread.join(TimeUnit.MILLISECONDS.toMillis(STOP_WAIT_MILLIS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One writing thread and the writers waiting for it. */
    static final class Lane implements Runnable {

        private final AtomicReference<RawFrameWriter> stack = new AtomicReference<>();
        private volatile boolean running = true;
        /** True from before the lane takes its stack until what it took is written. */
        private volatile boolean working;
        private Thread thread;

        /** Any thread: the writer has a write waiting ({@link RawFrameWriter#next} is free until the lane takes it). */
        void push(RawFrameWriter writer) {
            RawFrameWriter top;
            do {
                top = stack.get();
                writer.next = top;
            } while (!stack.compareAndSet(top, writer));
            if (top == null) {
                LockSupport.unpark(thread);
            }
        }

        boolean busy() {
            return working || stack.get() != null;
        }

        @Override
        public void run() {
            while (running) {
                working = true;
                RawFrameWriter taken = stack.getAndSet(null);
                if (taken == null) {
                    working = false;
                    // A push onto the empty stack after the take above leaves a permit: park returns at once.
                    LockSupport.park(this);
                    continue;
                }
                writeTaken(taken);
                working = false;
            }
        }

        /** Whichever thread took the stack writes it; each writer is on one stack at most once. */
        void writeTaken(RawFrameWriter taken) {
            // Oldest first: the stack holds the newest on top.
            RawFrameWriter oldest = null;
            while (taken != null) {
                RawFrameWriter below = taken.next;
                taken.next = oldest;
                oldest = taken;
                taken = below;
            }
            while (oldest != null) {
                RawFrameWriter w = oldest;
                oldest = w.next;
                w.next = null;
                w.writeNow();
            }
        }
    }
}
