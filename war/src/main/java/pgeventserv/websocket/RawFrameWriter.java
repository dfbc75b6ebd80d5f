package pgeventserv.websocket;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.Future;
import pgeventserv.fanout.Messages;

/**
 * The fast path where the WebSocket implementation is Tyrus (Payara, GlassFish): ready-made frames, many at once,
 * straight to the connection through {@code TyrusWebSocket.sendRawFrame(ByteBuffer)} ({@link SendPath} finds it).
 *
 * <p>Why: every send through the standard API makes Tyrus restart its idle timer, which schedules a task on the
 * server's managed executor, and on Payara capturing the context for each task is what caps the portable path.
 * A raw write skips it, and a batch framed once is shared by every client of the channel.
 *
 * <p>Writable when the last write's future is done: Tyrus queues what the socket does not take at once, and the
 * fan-out asks again after every poll.
 */
final class RawFrameWriter extends WebSocketWriter {

    private final Object webSocket;
    private final MethodHandle sendRawFrame;
    private volatile Future<?> lastWrite;

    RawFrameWriter(WebSocketConnection connection, Object webSocket, MethodHandle sendRawFrame) {
        super(connection);
        this.webSocket = webSocket;
        this.sendRawFrame = sendRawFrame;
    }

    @Override
    public boolean writable() {
        Future<?> last = lastWrite;
        return last == null || last.isDone();
    }

    @Override
    public void write(Messages messages) throws IOException {
        try {
            lastWrite = (Future<?>) sendRawFrame.invoke(webSocket, messages.framed());
        } catch (Throwable e) {
            throw new IOException("raw write failed", e);
        }
    }
}
