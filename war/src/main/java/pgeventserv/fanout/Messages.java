package pgeventserv.fanout;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Messages in order for one write, in one format: as text for writers that send message by message, and framed
 * back to back in one buffer for writers that write bytes. The buffer is made on first use and then shared: each
 * caller of {@link #framed()} gets its own view of it, and nothing writes to it after it is made, so writes still
 * outstanding keep reading what they were given.
 */
public final class Messages {

    private final Format format;
    private final List<Frame> frames;
    private final int bytes;
    private ByteBuffer framed;

    Messages(Format format, List<Frame> frames, int bytes) {
        this.format = format;
        this.frames = frames;
        this.bytes = bytes;
    }

    public List<Frame> frames() {
        return frames;
    }

    public int count() {
        return frames.size();
    }

    /** The messages' UTF-8 size. */
    int bytes() {
        return bytes;
    }

    /**
     * The frames back to back, ready for the wire. A heap buffer, not a read-only one: Tyrus copies what has no
     * accessible array. Made by the thread that first asks (the listener thread for a batch; the one writer of a
     * queue's messages otherwise), before any other can see this object.
     */
    public ByteBuffer framed() {
        ByteBuffer b = framed;
        if (b == null) {
            int size = 0;
            for (Frame f : frames) {
                size += format.framedLength(f);
            }
            b = ByteBuffer.allocate(size);
            for (Frame f : frames) {
                format.frame(f, b);
            }
            b.flip();
            framed = b;
        }
        return b.duplicate();
    }
}
