package pgeventserv.listen;

import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client on one channel, with its bounded outgoing queue.
 *
 * <p>Made during the handshake, before the client can see its socket open, so that every notification
 * from then on is queued; {@link #attach} hands over the session in {@code @OnOpen} and sending starts.
 *
 * <p>Threads: {@link #offer} is called by the listener thread only. Sending is asynchronous with at most
 * one frame in flight, which keeps frames in order; the completion callback sends the next one. The
 * {@code wip} counter (a drain loop) makes sure exactly one thread drains at a time without a lock,
 * and that a callback completing synchronously inside {@code sendText} does not recurse. A client that
 * stops reading leaves its frame in flight, its queue fills, and it is closed as too slow: the listener
 * thread never waits for any client. A close decided before the session is attached (the queue overflowed
 * during the handshake, or the server is full) is kept in {@code pendingClose} and carried out on attach.
 *
 * <p>Closing a slow session waits for its frame in flight: while that frame is stuck the socket takes nothing,
 * and the container (Tyrus) drops the connection as soon as the close is initiated, so the close frame would be
 * lost and the client would see 1006, not why. The frame's completion (the client read again) sends the close
 * right behind it; a client that never reads again is dropped after {@link Subscribers#SLOW_CLOSE_GRACE_SECONDS}.
 */
final class Subscription implements SendHandler {

    private static final ByteBuffer PING = ByteBuffer.wrap(new byte[] {'p', 'g'}).asReadOnlyBuffer();

    private final String channel;
    private final Subscribers owner;
    private final SessionLimits limits;
    private final boolean envelope;
    private final ConcurrentLinkedQueue<Frame> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queuedMessages = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile Session session;
    private volatile CloseReason pendingClose;
    private volatile boolean inFlight;
    private volatile boolean closed;
    private volatile boolean awaitingPong;

    Subscription(String channel, Subscribers owner, SessionLimits limits, boolean envelope) {
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

    boolean attached() {
        return session != null;
    }

    void attach(Session opened) {
        session = opened;
        CloseReason reason = pendingClose;
        if (reason != null) {
            closeSession(opened, reason);
        } else {
            drain();
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
        drain();
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

    private void overflow(int dropped) {
        owner.closedSlow(dropped);
        cancel();
        pendingClose = owner.slowReason();
        Session s = session;
        if (s == null) {
            return;
        }
        if (inFlight) {
            owner.dropIfStillStalled(this);
        } else {
            closeSession(s, pendingClose);
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

    @Override
    public void onResult(SendResult result) {
        inFlight = false;
        if (result.isOK()) {
            owner.sent();
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

    private void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            Session s = session;
            if (s != null) {
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
