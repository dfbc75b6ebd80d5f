package pgeventserv.listen;

import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client on one channel, with its bounded outgoing queue.
 *
 * <p>Made during the handshake, before the client can see its socket open, so that every notification
 * from then on is queued; {@link #attach} hands over the session in {@code @OnOpen} and sending starts.
 *
 * <p>Two ways out, both keeping frames in order and the listener thread free of waiting:
 * <ul>
 * <li>Raw (Tyrus, see {@link TyrusRawFrames}): at the end of each poll the listener thread hands over the
 * channel's {@link Batch} ({@link #deliver}); a client with nothing waiting gets it in one write of the buffer
 * encoded once for all sessions. Otherwise the frames join this queue ({@link #offer}, which asks for a
 * flush) and {@link #flush} writes everything queued in one go. At most one write is outstanding; while the
 * connection has not taken the last one the frames wait here, where they count against the bound.
 * <li>Portable (any server): {@code getAsyncRemote().sendText} with at most one frame in flight; the
 * completion callback sends the next. The {@code wip} counter (a drain loop) lets exactly one thread drain
 * at a time without a lock, and keeps a callback that completes inside {@code sendText} from recursing.
 * </ul>
 * A client that stops reading leaves its write outstanding, its queue fills, and it is closed as too slow.
 *
 * <p>Closing a slow session waits for its outstanding write: while that write is stuck the socket takes nothing,
 * and Tyrus drops the connection as soon as a close is initiated, so the close frame would be lost and the
 * client would see 1006, not why. Once the write is taken (the client read again) the close goes out right
 * behind it; a client that never reads again is dropped after {@link Subscribers#SLOW_CLOSE_GRACE_SECONDS}.
 * A close decided before the session is attached (overflow during the handshake, the server full) waits in
 * {@code pendingClose} for {@link #attach}.
 *
 * <p>Threads: {@link #deliver}, {@link #offer} and {@link #flush} run on the listener thread only; {@link #attach},
 * {@link #cancel} and completions on the server's threads.
 */
final class Subscription implements SendHandler {

    /** Large enough to amortise the write, small enough that one client's backlog does not hog the thread. */
    private static final int MAX_WRITE_BYTES = 256 * 1024;
    private static final ByteBuffer PING = ByteBuffer.wrap(new byte[] {'p', 'g'}).asReadOnlyBuffer();

    private final String channel;
    private final Subscribers owner;
    private final SessionLimits limits;
    private final ConcurrentLinkedQueue<Frame> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queuedMessages = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final boolean envelope;
    final AtomicBoolean flushRequested = new AtomicBoolean();
    // Written before session, so whoever sees the session also sees which path it takes.
    private volatile TyrusRawFrames raw;
    private volatile Session session;
    private volatile boolean inFlight;
    private volatile boolean closed;
    private volatile CloseReason pendingClose;
    private volatile boolean awaitingPong;
    private Future<?> lastWrite;

    private final long createdNanos;

    Subscription(String channel, Subscribers owner, SessionLimits limits, boolean envelope) {
        this.createdNanos = System.nanoTime();
        this.channel = channel;
        this.owner = owner;
        this.limits = limits;
        this.envelope = envelope;
    }

    /** A subscription that is never registered: its session is closed as soon as it opens. */
    static Subscription refused(String channel, Subscribers owner, SessionLimits limits, CloseReason reason) {
        Subscription refused = new Subscription(channel, owner, limits, false);
        refused.closed = true;
        refused.pendingClose = reason;
        return refused;
    }

    String channel() {
        return channel;
    }

    /** Whether the client chose the envelope protocol ({@link Envelope}). */
    boolean envelope() {
        return envelope;
    }

    long createdNanos() {
        return createdNanos;
    }

    boolean attached() {
        return session != null;
    }

    void attach(Session opened) {
        raw = TyrusRawFrames.of(opened);
        session = opened;
        CloseReason reason = pendingClose;
        if (reason != null) {
            closeSession(opened, reason);
        } else if (raw != null) {
            owner.requestFlush(this);
        } else {
            drain();
        }
    }

    /** The end of a poll: the channel's batch, written as it is when nothing is waiting before it. */
    void deliver(Batch batch) {
        if (closed) {
            return;
        }
        TyrusRawFrames writer = raw;
        if (writer != null && queue.isEmpty() && pendingClose == null && !closing.get()
                && (lastWrite == null || lastWrite.isDone())) {
            write(writer, batch.encoded(envelope), batch.size());
            return;
        }
        for (Frame frame : batch.frames(envelope)) {
            offer(frame);
        }
    }

    void offer(Frame frame) {
        if (closed) {
            return;
        }
        int messages = queuedMessages.incrementAndGet();
        long bytes = queuedBytes.addAndGet(frame.bytes());
        if (messages > limits.messages() || bytes > limits.bytes()) {
            overflow(messages);
            return;
        }
        queue.offer(frame);
        if (raw != null) {
            owner.requestFlush(this);
        } else {
            drain();
        }
    }

    /**
     * Raw path, listener thread: writes what is queued in one go.
     *
     * @return true when frames are still waiting (the last write is not taken yet, or there was more than
     *         one write's worth), so the caller flushes again later
     */
    boolean flush() {
        if (closing.get()) {
            return false;
        }
        CloseReason reason = pendingClose;
        if (reason != null) {
            // Closed as too slow: the close goes out once the outstanding write is taken.
            if (lastWrite == null || lastWrite.isDone()) {
                closeSession(session, reason);
                return false;
            }
            return true;
        }
        TyrusRawFrames writer = raw;
        if (closed || writer == null) {
            return false;
        }
        if (lastWrite != null && !lastWrite.isDone()) {
            return true;
        }
        int count = 0;
        int size = 0;
        for (Frame f : queue) {
            int n = f.encodedLength();
            if (count > 0 && size + n > MAX_WRITE_BYTES) {
                break;
            }
            size += n;
            count++;
        }
        if (count == 0) {
            return false;
        }
        ByteBuffer frames = ByteBuffer.allocate(size);
        long payloadBytes = 0;
        for (int i = 0; i < count; i++) {
            Frame f = queue.poll();
            f.encodeInto(frames);
            payloadBytes += f.bytes();
        }
        queuedMessages.addAndGet(-count);
        queuedBytes.addAndGet(-payloadBytes);
        return write(writer, frames.flip(), count) && !queue.isEmpty();
    }

    /** Listener thread. False when the connection closed under us; its @OnClose cancels this subscription. */
    private boolean write(TyrusRawFrames writer, ByteBuffer frames, int count) {
        try {
            lastWrite = writer.write(frames);
            owner.sent(count);
            return true;
        } catch (Throwable e) {
            closed = true;
            queue.clear();
            return false;
        }
    }

    /** Stops delivery and leaves the channel; called when the session ends for any reason. */
    void cancel() {
        closed = true;
        queue.clear();
        owner.unsubscribe(this);
    }

    /** Stops delivery, leaves the channel and closes the session with the reason, now or when it opens. */
    void close(CloseReason reason) {
        cancel();
        pendingClose = reason;
        Session s = session;
        if (s != null) {
            closeSession(s, reason);
        }
    }

    /** The grace for a stalled client is over: drop it, close frame or not. */
    void closeStalled() {
        Session s = session;
        if (s != null) {
            closeSession(s, pendingClose);
        }
    }

    private void closeSession(Session s, CloseReason reason) {
        if (closing.compareAndSet(false, true)) {
            owner.close(s, reason);
        }
    }

    /**
     * Sends a ping unless the previous one is still unanswered; returns false then, for the caller to close a
     * peer that is dead or no longer reads.
     */
    boolean ping() {
        Session s = session;
        if (s == null || closed) {
            return true;
        }
        if (awaitingPong) {
            return false;
        }
        awaitingPong = true;
        try {
            s.getAsyncRemote().sendPing(PING.duplicate());
        } catch (IOException | RuntimeException e) {
            // The session is closing; its @OnClose cancels this subscription.
        }
        return true;
    }

    void ponged() {
        awaitingPong = false;
    }

    /** Closes the session from this thread: only for shutdown, when no executor may be left to do it. */
    void closeNow(CloseReason reason) {
        closed = true;
        queue.clear();
        Session s = session;
        if (s != null && s.isOpen() && closing.compareAndSet(false, true)) {
            try {
                s.close(reason);
            } catch (IOException | RuntimeException e) {
                // The client is gone already; nothing else to tell it.
            }
        }
    }

    @Override
    public void onResult(SendResult result) {
        inFlight = false;
        if (result.isOK()) {
            owner.sent(1);
        }
        CloseReason reason = pendingClose;
        if (reason != null) {
            closeSession(session, reason);
        } else if (result.isOK()) {
            drain();
        } else {
            closed = true;
            queue.clear();
        }
    }

    /** Listener thread (from {@link #offer}), like {@link #flush}: {@code lastWrite} is safe to read here. */
    private void overflow(int dropped) {
        owner.closedSlow(dropped);
        cancel();
        pendingClose = owner.slowReason();
        Session s = session;
        if (s == null) {
            return;
        }
        boolean writing = raw != null ? lastWrite != null && !lastWrite.isDone() : inFlight;
        if (!writing) {
            closeSession(s, pendingClose);
            return;
        }
        if (raw != null) {
            owner.requestFlush(this);
        }
        owner.dropIfStillStalled(this);
    }

    /** Portable path. */
    private void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            Session s = session;
            if (s != null && raw == null) {
                while (!inFlight && !closed) {
                    Frame frame = queue.poll();
                    if (frame == null) {
                        break;
                    }
                    queuedMessages.decrementAndGet();
                    queuedBytes.addAndGet(-frame.bytes());
                    inFlight = true;
                    send(s, frame);
                }
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    private void send(Session s, Frame frame) {
        try {
            s.getAsyncRemote().sendText(frame.payload(), this);
        } catch (RuntimeException e) {
            // The session closed under us; its @OnClose cancels this subscription.
            inFlight = false;
            closed = true;
        }
    }
}
