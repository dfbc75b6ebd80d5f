package pgeventserv.fanout;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What goes to one client, in order: its bounded queue and the writes to its {@link Writer}.
 *
 * <p>Threads. The listener thread adds ({@link #deliver}, {@link #replay}, {@link #offer}), and so may a keep-alive
 * tick; any thread may ask for a drain (a writer's completion, the handshake, a close). Exactly one thread at a time
 * drains, by the {@code wip} counter (a request that arrives while another thread drains makes that thread go round
 * once more), and only the draining thread takes from the queue, writes, or discards.
 *
 * <p>The bound: a client with more than {@code SessionQueueMessages} messages or {@code SessionQueueBytes} bytes
 * waiting is too slow and is closed. A replay from history is bounded by the history, not the queue: its frames
 * carry an allowance that raises the bound before they are queued and is given back frame by frame as each is
 * taken, so the bound and the frames it allows always change together.
 *
 * <p>Closing a client that lags waits for its outstanding write: while that write is stuck the connection takes
 * nothing, and a close frame queued behind it would never arrive (the client would see 1006, not why). Once the
 * writer is writable the close goes out; a client that never reads again is closed anyway after
 * {@link Limits#stallGraceNanos()}.
 */
final class Outbox {

    /** Large enough to amortise a write, small enough that one client's backlog does not hog the thread. */
    static final int MAX_WRITE_BYTES = 256 * 1024;

    private final Subscriber subscriber;
    private final Format format;
    private final Limits limits;
    private final Subscriptions subscriptions;
    private final ConcurrentLinkedQueue<Frame> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queuedMessages = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicInteger allowedMessages = new AtomicInteger();
    private final AtomicLong allowedBytes = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    /** Where this client's writes are made: null for whoever delivers (the listener thread). */
    private final WriteLane lane;
    /**
     * With a lane: a poll's batch handed over as it is, ahead of everything in the queue (set by the listener
     * thread only while the queue is empty and the slot free; taken by the drainer), so the batch framed once for
     * all the channel's clients is written as it is, with no copy of its frames and no queue node.
     */
    private volatile Messages handed;
    /** On its lane's list; see {@link WriteLane#schedule}. */
    private volatile int scheduled;
    /** The next outbox on its lane's list; written before the list's compare-and-set publishes it. */
    Outbox nextScheduled;

    private static final VarHandle SCHEDULED;

    static {
        try {
            SCHEDULED = MethodHandles.lookup().findVarHandle(Outbox.class, "scheduled", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    Outbox(Subscriber subscriber, Format format, Limits limits, Subscriptions subscriptions) {
        this.subscriber = subscriber;
        this.format = format;
        this.limits = limits;
        this.subscriptions = subscriptions;
        this.lane = subscriptions.lanes().next();
    }

    /**
     * Listener thread, end of a poll: messages put once for every client of the format (a channel's batch), or for
     * this client alone. Without a lane, the common case (nothing waiting, nobody draining, the writer free) writes
     * them at once; with one, they are handed to the lane, which writes them after everything queued before.
     */
    void deliver(Messages messages) {
        if (subscriber.gone()) {
            return;
        }
        if (lane != null) {
            // Nothing waits before it (a drainer counts frames down only after taking them): the batch goes first.
            if (handed == null && queuedMessages.get() == 0) {
                handed = messages;
            } else {
                enqueue(messages.frames());
            }
            lane.schedule(this);
            return;
        }
        if (subscriber.state() == Subscriber.State.OPEN && queuedMessages.get() == 0 && wip.compareAndSet(0, 1)) {
            Writer w = subscriber.writer();
            if (w.writable()) {
                write(w, messages);
            } else {
                enqueue(messages.frames());
            }
            drainLoop(1);
            return;
        }
        enqueue(messages.frames());
        drain();
    }

    /**
     * Listener thread: what history or the table holds for a resuming client, made for it alone with
     * {@link Frame#replayed}: each carries its allowance.
     */
    void replay(List<Frame> frames) {
        long bytes = 0;
        for (Frame f : frames) {
            bytes += f.bytes();
        }
        allowedMessages.addAndGet(frames.size());
        allowedBytes.addAndGet(bytes);
        enqueue(frames);
        drain();
    }

    /** One message for this client alone (a gap, a reply, a keep-alive), after everything queued before it. */
    void offer(Frame frame) {
        if (subscriber.gone()) {
            return;
        }
        enqueue(List.of(frame));
        drain();
    }

    /** Whether everything queued has been handed to the writer. */
    boolean written() {
        return queuedMessages.get() == 0 && handed == null;
    }

    /** Put on its lane's list: true when it was not on it. */
    boolean markScheduled() {
        return SCHEDULED.compareAndSet(this, 0, 1);
    }

    void unmarkScheduled() {
        scheduled = 0;
    }

    void drain() {
        if (wip.getAndIncrement() == 0) {
            drainLoop(1);
        }
    }

    /** Listener thread: drained again now that its writer may be free, on its lane if it has one. */
    void retry() {
        if (lane != null) {
            lane.schedule(this);
        } else {
            drain();
        }
    }

    /** Counts before it adds, so the bound holds; the drainer takes until the queue is empty, not by the count. */
    private void enqueue(List<Frame> frames) {
        for (int i = 0; i < frames.size(); i++) {
            Frame frame = frames.get(i);
            // The allowance is read before the count: read after, it could already be lower by frames that the count
            // read before still held (a drainer took them meanwhile), and a healthy client would look too slow.
            int allowed = allowedMessages.get();
            long allowedSize = allowedBytes.get();
            int messages = queuedMessages.incrementAndGet();
            long bytes = queuedBytes.addAndGet(frame.bytes());
            if (messages > limits.messages() + allowed || bytes > limits.bytes() + allowedSize) {
                queuedMessages.decrementAndGet();
                queuedBytes.addAndGet(-frame.bytes());
                for (int j = i; j < frames.size(); j++) {
                    given(frames.get(j));
                }
                subscriptions.counters().closedSlow(messages + frames.size() - i - 1);
                subscriber.close(limits.tooSlow());
                return;
            }
            queue.offer(frame);
        }
    }

    private void drainLoop(int missed) {
        do {
            drainOnce();
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    /** Only the thread holding {@code wip} runs this. */
    private void drainOnce() {
        switch (subscriber.state()) {
            case HANDSHAKE -> {
                // Nothing to write to yet: attach drains.
            }
            case OPEN -> writeQueued();
            case CLOSING -> {
                discardQueued();
                Writer w = subscriber.writer();
                if (w == null) {
                    return;
                }
                if (w.writable() || System.nanoTime() - subscriber.closingSinceNanos() > limits.stallGraceNanos()) {
                    if (subscriber.closed()) {
                        w.close(subscriber.farewell());
                    }
                } else {
                    subscriptions.awaitWritable(subscriber);
                }
            }
            case CLOSED -> discardQueued();
        }
    }

    private void writeQueued() {
        Writer w = subscriber.writer();
        while ((handed != null || !queue.isEmpty()) && subscriber.state() == Subscriber.State.OPEN) {
            if (!w.writable()) {
                subscriptions.awaitWritable(subscriber);
                return;
            }
            Messages batch = handed;
            if (batch != null) {
                handed = null;
                write(w, batch);
                continue;
            }
            ArrayList<Frame> frames = new ArrayList<>();
            int bytes = 0;
            for (Frame f; (f = queue.peek()) != null; ) {
                if (!frames.isEmpty() && bytes + f.bytes() > MAX_WRITE_BYTES) {
                    break;
                }
                queue.poll();
                frames.add(f);
                bytes += f.bytes();
            }
            // The count goes down before the allowance, so the bound never sees frames gone from one but not the other.
            queuedMessages.addAndGet(-frames.size());
            queuedBytes.addAndGet(-bytes);
            frames.forEach(this::given);
            write(w, new Messages(format, frames, bytes));
        }
    }

    private void write(Writer w, Messages messages) {
        try {
            w.write(messages);
            subscriptions.counters().sent(messages.count());
        } catch (IOException | RuntimeException e) {
            // The connection is gone; its transport ends this subscriber too, but nothing more is written meanwhile.
            subscriber.lost();
        }
    }

    private void discardQueued() {
        handed = null;
        for (Frame f; (f = queue.poll()) != null; ) {
            queuedMessages.decrementAndGet();
            queuedBytes.addAndGet(-f.bytes());
            given(f);
        }
    }

    /** A frame leaves the queue: the allowance it carried goes with it. */
    private void given(Frame f) {
        if (f.allowed()) {
            allowedMessages.decrementAndGet();
            allowedBytes.addAndGet(-f.bytes());
        }
    }
}
