package pgeventserv.sse;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import pgeventserv.fanout.Farewell;
import pgeventserv.fanout.Frame;
import pgeventserv.fanout.Messages;
import pgeventserv.fanout.Subscriber;
import pgeventserv.fanout.Writer;

/**
 * One event stream as the fan-out's {@link Writer}: non-blocking servlet output. A write hands the container the
 * events and flushes them; while the container has not taken them all ({@code isReady()} false) the writer is
 * not writable, and {@link #onWritePossible} finishes the write and tells the subscriber to go on. The stream
 * opens with {@value EventStreamFormat#RETRY} in the first {@code onWritePossible}, and only then is the
 * subscriber attached, so its events follow it.
 *
 * <p>Every write outside {@link #onWritePossible} is preceded by an {@code isReady()} on the writing thread, as the
 * Servlet API asks: Open Liberty enforces it per thread (a write that no {@code isReady()} of its own thread allowed
 * is refused, SRVE0918E), and the subscriber writes from whichever thread delivers. Bytes the container cannot take
 * yet wait for {@link #onWritePossible}.
 *
 * <p>Threads. {@code busy} is held from a write until the container has taken it; the subscriber writes only
 * when it is free, and the keep-alive comment goes through the subscriber's queue, so two writes never overlap.
 * The subscriber closes a stream once its last write is out, or after its stall grace: a close that still finds
 * a write in flight ends the stream without the {@code event: error}, which could not get past that write.
 */
final class EventStreamWriter implements Writer, WriteListener, AsyncListener {

    private static final Logger LOG = Logger.getLogger(EventStreamWriter.class.getName());
    private static final byte[] RETRY = EventStreamFormat.RETRY.getBytes(StandardCharsets.US_ASCII);
    private static final Frame KEEP_ALIVE = Frame.of(EventStreamFormat.KEEP_ALIVE);

    private final AsyncContext async;
    private final ServletOutputStream out;
    private final Subscriber subscriber;
    // Held for the retry line until the first onWritePossible writes it.
    private final AtomicBoolean busy = new AtomicBoolean(true);
    // Bytes a write could not hand over yet (isReady() false), written by onWritePossible; only while busy.
    private volatile byte[] pending;
    private final AtomicBoolean completed = new AtomicBoolean();
    private volatile boolean opened;
    private volatile boolean attached;
    private volatile boolean ending;
    // Counts writes; the keep-alive tick compares it to tell a stuck write from a new one.
    private volatile long writes;
    // Keep-alive ticks only (one scheduler task).
    private boolean busyAtLastTick;
    private long writesAtLastTick;

    EventStreamWriter(AsyncContext async, ServletOutputStream out, Subscriber subscriber) {
        this.async = async;
        this.out = out;
        this.subscriber = subscriber;
    }

    @Override
    public boolean writable() {
        return !busy.get();
    }

    @Override
    public void write(Messages messages) throws IOException {
        busy.set(true);
        writes++;
        ByteBuffer bytes = messages.framed();
        try {
            if (send(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining())) {
                // Taken at once: the subscriber, which is writing, asks writable() again itself.
                busy.set(false);
            }
        } catch (IOException | RuntimeException e) {
            complete();
            throw e;
        }
    }

    /**
     * A comment through the subscriber's queue, so it goes between two events, never inside one. While a write is
     * in flight the events are the keep-alive; one still stuck since the previous tick means a peer that no
     * longer reads (an event stream has no pong to wait for).
     */
    @Override
    public boolean keepAlive() {
        long w = writes;
        if (busy.get()) {
            boolean stuck = busyAtLastTick && w == writesAtLastTick;
            busyAtLastTick = true;
            writesAtLastTick = w;
            return !stuck;
        }
        busyAtLastTick = false;
        subscriber.send(KEEP_ALIVE);
        return true;
    }

    /**
     * Going away (shutdown) ends the stream at once: clients reconnect and resume. Any other reason (too slow, no
     * longer reading, server full) is said first as {@code event: error}, when the stream can take it.
     */
    @Override
    public void close(Farewell why) {
        LOG.fine(() -> "ending event stream " + subscriber.channels() + ": " + why.code() + " " + why.reason());
        if (why.code() != Farewell.GOING_AWAY && busy.compareAndSet(false, true)) {
            sayFarewell(why);
        } else {
            complete();
        }
    }

    @Override
    public void onWritePossible() throws IOException {
        // The container calls this when it can take a write, on a thread it allows to write: no isReady() first
        // (Open Liberty may answer false there and never call again for a stream that wrote nothing yet).
        byte[] waiting = pending;
        if (!opened) {
            opened = true;
            out.write(RETRY);
            if (!flushed()) {
                return;
            }
        } else if (waiting != null) {
            pending = null;
            out.write(waiting);
            if (!flushed()) {
                return;
            }
        } else if (!flushed()) {
            return;
        }
        if (ending) {
            complete();
            return;
        }
        free();
    }

    /**
     * Hands the container the bytes once its {@code isReady()} on this thread says it may, and flushes them; true when
     * it has taken them all. False when it has not (kept in {@code pending} if not even written): onWritePossible
     * follows.
     */
    private boolean send(byte[] bytes, int offset, int length) throws IOException {
        if (!out.isReady()) {
            pending = Arrays.copyOfRange(bytes, offset, offset + length);
            return false;
        }
        out.write(bytes, offset, length);
        return flushed();
    }

    /** Flushes when the container can take it; false when it has not taken everything yet (onWritePossible follows). */
    private boolean flushed() throws IOException {
        if (!out.isReady()) {
            return false;
        }
        out.flush();
        return out.isReady();
    }

    /** The last write is out: the subscriber may write again (attached first, after the retry line). */
    private void free() {
        busy.set(false);
        if (!attached) {
            attached = true;
            subscriber.attach(this);
        } else {
            subscriber.writable();
        }
    }

    /** With {@code busy} held: the error event, then the end once it is out. */
    private void sayFarewell(Farewell why) {
        ending = true;
        try {
            byte[] error = EventStreamFormat.error(why.reason()).getBytes(StandardCharsets.UTF_8);
            if (send(error, 0, error.length)) {
                complete();
            }
        } catch (IOException | RuntimeException e) {
            complete();
        }
    }

    @Override
    public void onError(Throwable error) {
        LOG.log(Level.FINE, "event stream " + subscriber.channels() + " failed", error);
        subscriber.end();
        complete();
    }

    @Override
    public void onComplete(AsyncEvent event) {
        subscriber.end();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        subscriber.end();
        complete();
    }

    @Override
    public void onError(AsyncEvent event) {
        onError(event.getThrowable());
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // The context is started once, by the servlet.
    }

    private void complete() {
        if (completed.compareAndSet(false, true)) {
            try {
                async.complete();
            } catch (IllegalStateException e) {
                // Completed by the container already (the client went away).
            }
        }
    }
}
