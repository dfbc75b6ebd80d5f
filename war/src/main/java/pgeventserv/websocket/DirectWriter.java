package pgeventserv.websocket;

import java.io.IOException;
import pgeventserv.fanout.Messages;

/**
 * The fastest path, on Payara: the frames of {@link RawFrameWriter}, framed once per poll for every client of a
 * channel, handed straight to the session's Grizzly connection (its own non-blocking write, the transport's async
 * write queue; {@link GrizzlyConnections} finds it) instead of through Tyrus, its servlet writer and the servlet
 * container's output buffers, which cost more than the socket itself.
 *
 * <p>Writable while the connection's async write queue is below Grizzly's bound for it: what the socket does not
 * take at once waits there, and the fan-out asks again after every poll. Not writable once the session is no
 * longer open, so no data frame follows Tyrus's close frame. Tyrus's own frames (ping, pong, close) go down the
 * same queue, in the order they and these are written. The subscriber serialises {@link #write}; any thread.
 */
final class DirectWriter extends WebSocketWriter {

    private final GrizzlyConnections.Direct direct;

    DirectWriter(WebSocketConnection connection, GrizzlyConnections.Direct direct) {
        super(connection);
        this.direct = direct;
    }

    @Override
    public boolean writable() {
        try {
            return connection.session().isOpen() && direct.canWrite();
        } catch (Throwable e) {
            return false;
        }
    }

    @Override
    public void write(Messages messages) throws IOException {
        try {
            if (!connection.session().isOpen() || !direct.open()) {
                throw new IOException("the session is closed");
            }
            direct.write(messages.framed());
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException("direct write failed", e);
        }
    }
}
