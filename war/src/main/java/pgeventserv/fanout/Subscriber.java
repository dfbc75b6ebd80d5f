package pgeventserv.fanout;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One client on its channels (one, or several on a multi-channel stream or a multiplexed session): its lifecycle, its bounded queue, and the order of everything written to it.
 *
 * <p>Made by the handshake, before the client can see its connection open, so every notification from then on is
 * queued; {@link #attach} hands over the {@link Writer} and writing starts. The lifecycle is one {@link State}:
 * {@code HANDSHAKE → OPEN → CLOSING → CLOSED}, or straight to {@code CLOSED} when the connection ends.
 *
 * <p>Threads. The listener thread adds to the queue ({@link #deliver}, {@link #offer}); any thread may ask for the
 * queue to be written ({@link #drain}: the listener thread, a writer's completion, the handshake, a close). Exactly
 * one thread at a time drains, by the {@code wip} counter (a drain loop without a lock: a request that arrives
 * while another thread drains makes that thread go round once more), and only the draining thread takes from the
 * queue, writes, or discards. A close from another thread only changes the state and asks for a drain, so it can
 * never pull the queue from under a write in progress.
 *
 * <p>Closing a client that lags waits for its outstanding write: while that write is stuck the connection takes
 * nothing, and a close frame queued behind it would never arrive (Tyrus drops the connection as soon as a close
 * starts, so the client would see 1006, not why). Once the writer is writable the close goes out; a client that
 * never reads again is closed anyway after {@link Limits#stallGraceNanos()}.
 */
public final class Subscriber {

    /** Where a subscriber is in its life; only ever moves forward. */
    public enum State {
        /** Registered and queuing; the connection is not open yet. */
        HANDSHAKE,
        /** Messages are written as the writer takes them. */
        OPEN,
        /** Left its channel; waits for its outstanding write, then closes with its {@link Farewell}. */
        CLOSING,
        /** The connection is closed or gone; nothing more is queued or written. */
        CLOSED
    }

    /** Large enough to amortise a write, small enough that one client's backlog does not hog the thread. */
    static final int MAX_WRITE_BYTES = 256 * 1024;

    private final Format format;
    /** Several channels: each poll's events come merged in delivery order, not channel by channel. */
    private final boolean multi;
    // Changed under the registry's lock, copy-on-write; read without it.
    volatile String[] channels = {};
    private final Limits limits;
    private final Registry registry;
    private final long createdNanos = System.nanoTime();
    private final AtomicReference<State> state;
    private final AtomicReference<Farewell> farewell = new AtomicReference<>();
    private volatile long closingSince;
    // Set before the state leaves HANDSHAKE, so whoever sees OPEN or CLOSING after attach also sees the writer.
    private volatile Writer writer;
    private final ConcurrentLinkedQueue<Frame> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queuedMessages = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    // A replay is bounded by the history, not the queue: the queue's bound is raised by what it added until the
    // queue has been written out. Set by the listener thread, reset by the drainer.
    private volatile int replayMessages;
    private volatile long replayBytes;
    /** Listener thread only: the last poll in which this multi-channel subscriber was collected for delivery. */
    long collectedInPoll = -1;
    /**
     * Listener thread only: a resume from the table gave this subscriber every durable event of its channels up to
     * here, while this server may not have released them all yet; those released later are not sent again. Zero
     * once the server's watermark has passed it (everything released after that is newer).
     */
    long durableFloor;
    private final AtomicInteger wip = new AtomicInteger();
    /** On the registry's list of subscribers to drain again after the next poll. */
    final AtomicBoolean awaiting = new AtomicBoolean();
    /** Holds one of the {@code MaxSessions} places until it leaves. */
    final AtomicBoolean counted = new AtomicBoolean();

    Subscriber(Format format, boolean multi, Limits limits, Registry registry) {
        this.format = format;
        this.multi = multi;
        this.limits = limits;
        this.registry = registry;
        this.state = new AtomicReference<>(State.HANDSHAKE);
    }

    /** A subscriber refused at the door (the server is full): never registered, closed as soon as it opens. */
    static Subscriber refused(Format format, Limits limits, Registry registry, Farewell why) {
        Subscriber refused = new Subscriber(format, false, limits, registry);
        refused.farewell.set(why);
        refused.closingSince = System.nanoTime();
        refused.state.set(State.CLOSING);
        return refused;
    }

    /** The channels it receives now (a multiplexed session's change as it subscribes). */
    public List<String> channels() {
        return List.of(channels);
    }

    boolean multi() {
        return multi;
    }

    public State state() {
        return state.get();
    }

    long createdNanos() {
        return createdNanos;
    }

    /** The connection is open: writing starts with whatever was queued since the handshake. */
    public void attach(Writer opened) {
        writer = opened;
        if (!state.compareAndSet(State.HANDSHAKE, State.OPEN) && state.get() == State.CLOSED) {
            // Dropped while its handshake took too long: the connection has nothing to carry.
            opened.close(new Farewell(Farewell.TRY_AGAIN_LATER, "subscription expired before the connection opened"));
            return;
        }
        drain();
    }

    /** The writer took its last write: anything queued can go. */
    public void writable() {
        drain();
    }

    /**
     * A multiplexed session subscribes to one more channel: once its LISTEN is in effect, {@code announce} is
     * queued, then a gap and what the history holds after {@code lastEventId} (when given), then its live events.
     */
    public void join(String channel, String lastEventId, Frame announce) {
        registry.join(this, List.of(channel), lastEventId, announce);
    }

    /** Leaves one channel; {@code reply} is queued after its last event. */
    public void leave(String channel, Frame reply) {
        registry.part(this, channel, reply);
    }

    /** A message for this client alone (a reply to a command), after everything queued before it. */
    public void send(Frame frame) {
        offer(frame);
    }

    /** The connection ended (closed by either side, or failed): leaves its channels and drops the queue. */
    public void end() {
        state.set(State.CLOSED);
        registry.leave(this);
        drain();
    }

    /** Leaves the channel now and closes the connection with the reason once its outstanding write is taken. */
    public void close(Farewell why) {
        if (!farewell.compareAndSet(null, why)) {
            return;
        }
        closingSince = System.nanoTime();
        State s = state.get();
        while ((s == State.HANDSHAKE || s == State.OPEN) && !state.compareAndSet(s, State.CLOSING)) {
            s = state.get();
        }
        registry.leave(this);
        drain();
    }

    /** Shutdown: closes at once from this thread, outstanding write or not. */
    void shutdown() {
        state.set(State.CLOSED);
        Writer w = writer;
        if (w != null) {
            w.close(Farewell.SHUTTING_DOWN);
        }
        drain();
    }

    /** Keep-alive tick: a client that did not answer the previous one is closed as dead. */
    void keepAlive(Farewell dead) {
        Writer w = writer;
        if (state.get() == State.OPEN && w != null && !w.keepAlive()) {
            close(dead);
        }
    }

    /**
     * Listener thread, end of a poll: the channel's batch. The common case (nothing waiting, nobody draining, the
     * writer free) writes the batch as it was put once for every client of the format.
     */
    void deliver(Batch batch) {
        State s = state.get();
        if (s == State.CLOSING || s == State.CLOSED) {
            return;
        }
        if (s == State.OPEN && queuedMessages.get() == 0 && wip.compareAndSet(0, 1)) {
            Writer w = writer;
            Messages messages = batch.messages(format);
            if (w.writable()) {
                write(w, messages);
            } else {
                enqueue(messages.frames());
            }
            drainLoop(1);
            return;
        }
        enqueue(batch.messages(format).frames());
        drain();
    }

    /**
     * Listener thread: several channels' events of one poll, merged in delivery order and put for this client
     * alone; written at once when nothing is waiting, as {@link #deliver} does.
     */
    void deliverMerged(List<Frame> frames, int bytes) {
        State s = state.get();
        if (s == State.CLOSING || s == State.CLOSED) {
            return;
        }
        if (s == State.OPEN && queuedMessages.get() == 0 && wip.compareAndSet(0, 1)) {
            Writer w = writer;
            if (w.writable()) {
                write(w, new Messages(format, frames, bytes));
            } else {
                enqueue(frames);
            }
            drainLoop(1);
            return;
        }
        enqueue(frames);
        drain();
    }

    /** Listener thread: what the history holds for a resuming client, before its live events. */
    void replay(List<Frame> frames) {
        int bytes = 0;
        for (Frame f : frames) {
            bytes += f.bytes();
        }
        replayBytes += bytes;
        replayMessages += frames.size();
        enqueue(frames);
        drain();
    }

    /** One message for this client alone (a gap, a reply), after everything queued before it. */
    void offer(Frame frame) {
        State s = state.get();
        if (s == State.CLOSING || s == State.CLOSED) {
            return;
        }
        enqueue(List.of(frame));
        drain();
    }

    Format format() {
        return format;
    }

    /** Whether everything queued has been handed to the writer. */
    boolean written() {
        return queuedMessages.get() == 0;
    }

    /** Counts before it adds, so the bound holds; the drainer takes until the queue is empty, not by the count. */
    private void enqueue(List<Frame> frames) {
        for (int i = 0; i < frames.size(); i++) {
            Frame frame = frames.get(i);
            int messages = queuedMessages.incrementAndGet();
            long bytes = queuedBytes.addAndGet(frame.bytes());
            if (messages > limits.messages() + replayMessages || bytes > limits.bytes() + replayBytes) {
                queuedMessages.decrementAndGet();
                queuedBytes.addAndGet(-frame.bytes());
                registry.counters().closedSlow(messages + frames.size() - i - 1);
                close(limits.tooSlow());
                return;
            }
            queue.offer(frame);
        }
    }

    void drain() {
        if (wip.getAndIncrement() == 0) {
            drainLoop(1);
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
        switch (state.get()) {
            case HANDSHAKE -> {
                // Nothing to write to yet: attach drains.
            }
            case OPEN -> writeQueued();
            case CLOSING -> {
                discardQueued();
                Writer w = writer;
                if (w == null) {
                    return;
                }
                if (w.writable() || System.nanoTime() - closingSince > limits.stallGraceNanos()) {
                    if (state.compareAndSet(State.CLOSING, State.CLOSED)) {
                        w.close(farewell.get());
                    }
                } else {
                    registry.awaitWritable(this);
                }
            }
            case CLOSED -> discardQueued();
        }
    }

    private void writeQueued() {
        Writer w = writer;
        while (!queue.isEmpty() && state.get() == State.OPEN) {
            if (!w.writable()) {
                registry.awaitWritable(this);
                return;
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
            queuedMessages.addAndGet(-frames.size());
            queuedBytes.addAndGet(-bytes);
            write(w, new Messages(format, frames, bytes));
        }
        if (queue.isEmpty() && replayMessages != 0) {
            replayMessages = 0;
            replayBytes = 0;
        }
    }

    private void write(Writer w, Messages messages) {
        try {
            w.write(messages);
            registry.counters().sent(messages.count());
        } catch (IOException | RuntimeException e) {
            // The connection is gone; its transport ends this subscriber too, but nothing more is written meanwhile.
            state.set(State.CLOSED);
            registry.leave(this);
        }
    }

    private void discardQueued() {
        int messages = 0;
        long bytes = 0;
        for (Frame f; (f = queue.poll()) != null; ) {
            messages++;
            bytes += f.bytes();
        }
        queuedMessages.addAndGet(-messages);
        queuedBytes.addAndGet(-bytes);
    }
}
