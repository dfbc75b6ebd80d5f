package pgeventserv.fanout;

import java.io.IOException;

/**
 * One client connection as the fan-out sees it, whatever the transport: can it take more now, write these
 * messages, keep the connection alive, close it with a reason. In the spirit of Netty's writability: the fan-out
 * asks {@link #writable()} instead of tracking the transport's futures, and queues (bounded) while the answer is no.
 *
 * <p>Threads: {@link #write} is called by one thread at a time (the {@link Subscriber} serialises it) and only
 * when {@link #writable()} said yes; it must not block. {@link #close} and {@link #keepAlive} may come from any
 * thread and must not block either.
 */
public interface Writer {

    /**
     * True when the connection has taken everything written so far. A writer that learns of that moment (a
     * completion callback) tells its subscriber through {@link Subscriber#writable()}; one that can only be asked
     * is asked again after every poll of the LISTEN connection.
     */
    boolean writable();

    /** Sends the messages, in order, without waiting. An exception means the connection is gone. */
    void write(Messages messages) throws IOException;

    /**
     * Sends a keep-alive (a WebSocket ping, an event-stream comment).
     *
     * @return false when the peer has not answered the previous one: it is dead or no longer reads
     */
    boolean keepAlive();

    /** Ends the connection, telling the client why where the transport can. */
    void close(Farewell farewell);
}
