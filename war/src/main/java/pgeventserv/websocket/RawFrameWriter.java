package pgeventserv.websocket;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.util.concurrent.Future;
import pgeventserv.fanout.Messages;
import pgeventserv.fanout.Subscriber;

/**
 * The fast path where the WebSocket implementation is Tyrus (Payara, GlassFish): ready-made frames, many at once,
 * straight to the connection through {@code TyrusWebSocket.sendRawFrame(ByteBuffer)} ({@link SendPath} finds it).
 *
 * <p>Why: every send through the standard API makes Tyrus restart its idle timer, which schedules a task on the
 * server's managed executor, and on Payara capturing the context for each task is what caps the portable path.
 * A raw write skips it, and a batch framed once is shared by every client of the channel.
 *
 * <p>With {@link WriteLanes}, {@link #write} only hands the frames to this writer's lane, whose thread writes them;
 * without, the calling thread writes. Writable when no write waits in the lane and the last write's future is done:
 * Tyrus queues what the socket does not take at once. A lane's write that the socket took at once tells the
 * subscriber, so frames queued meanwhile go without waiting for the next poll; otherwise the fan-out asks again
 * after every poll.
 */
final class RawFrameWriter extends WebSocketWriter {

    private final Object webSocket;
    private final MethodHandle sendRawFrame;
    private final Subscriber subscriber;
    private final WriteLanes.Lane lane;
    private volatile Future<?> lastWrite;
    /** Set by the writing caller, cleared by the lane once written. */
    private volatile boolean waiting;
    private volatile Throwable failure;
    /** The frames waiting in the lane; published by the lane's push, taken by the lane. */
    private ByteBuffer pending;
    /** The lane's stack link; see {@link WriteLanes.Lane#push}. */
    RawFrameWriter next;

    RawFrameWriter(WebSocketConnection connection, Object webSocket, MethodHandle sendRawFrame, Subscriber subscriber,
                   WriteLanes.Lane lane) {
        super(connection);
        this.webSocket = webSocket;
        this.sendRawFrame = sendRawFrame;
        this.subscriber = subscriber;
        this.lane = lane;
    }

    @Override
    public boolean writable() {
        if (waiting) {
            return false;
        }
        Future<?> last = lastWrite;
        return last == null || last.isDone();
    }

    @Override
    public void write(Messages messages) throws IOException {
        Throwable failed = failure;
        if (failed != null) {
            throw new IOException("raw write failed", failed);
        }
        if (lane == null) {
            lastWrite = send(messages.framed());
            return;
        }
        pending = messages.framed();
        waiting = true;
        lane.push(this);
    }

    /** The lane's thread. */
    void writeNow() {
        ByteBuffer frames = pending;
        pending = null;
        Future<?> written;
        try {
            written = send(frames);
        } catch (IOException | RuntimeException e) {
            failure = e;
            waiting = false;
            subscriber.end();
            return;
        }
        lastWrite = written;
        waiting = false;
        if (written.isDone()) {
            subscriber.writable();
        }
    }

    private Future<?> send(ByteBuffer frames) throws IOException {
        try {
            return (Future<?>) sendRawFrame.invoke(webSocket, frames);
        } catch (Throwable e) {
            throw new IOException("raw write failed", e);
        }
    }
}
