package pgeventserv.fanout;

import java.nio.ByteBuffer;

/**
 * What a notification looks like on one kind of connection: the raw payload as a WebSocket text frame, its JSON
 * envelope, an event-stream event. Transports supply the formats; the fan-out only caches what they make, so
 * that one poll's notifications are put once per format, not once per client.
 */
public interface Format {

    /** The message for one notification (for a raw WebSocket, the payload itself). */
    String message(Event event);

    /** The message telling of a gap in the stream, or null where the format has no way to say it. */
    String gap(GapNotice gap);

    /** The bytes {@link #frame} writes for the message. */
    int framedLength(Frame message);

    /** Puts the message on the wire as this transport frames it, for writers that write bytes. */
    void frame(Frame message, ByteBuffer out);
}
