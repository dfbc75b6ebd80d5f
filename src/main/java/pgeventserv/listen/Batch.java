package pgeventserv.listen;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The notifications one poll brought for one channel, made ready once for every session of the channel:
 * the frames, and, where frames are written raw ({@link TyrusRawFrames}), all of them encoded into one buffer
 * that each session's write shares. Fan-out then costs one write per session per poll, with no copy, queue
 * node or buffer per session; the per-session queue is only used by a session that lags.
 *
 * <p>Listener thread only. The buffers are never written after they are made, so writes still outstanding
 * when the next poll starts keep reading what they were given; {@link #clear} only drops the references.
 */
final class Batch {

    /** A burst larger than this does not keep its lists' capacity for the next poll. */
    private static final int RETAINED_CAPACITY = 1024;

    private final String channel;
    private ArrayList<Frame> raw = new ArrayList<>();
    private ArrayList<Frame> enveloped;
    private ByteBuffer rawEncoded;
    private ByteBuffer envelopedEncoded;

    Batch(String channel) {
        this.channel = channel;
    }

    void add(String payload) {
        raw.add(Frame.of(payload));
    }

    boolean isEmpty() {
        return raw.isEmpty();
    }

    int size() {
        return raw.size();
    }

    /** The frames in order, as the session's protocol wants them; envelopes are made on first use. */
    List<Frame> frames(boolean envelope) {
        if (!envelope) {
            return raw;
        }
        if (enveloped == null) {
            enveloped = new ArrayList<>(raw.size());
            for (Frame f : raw) {
                enveloped.add(Frame.of(Envelope.notification(channel, f.payload())));
            }
        }
        return enveloped;
    }

    /**
     * The frames back to back, ready for the wire. Each caller gets its own view (position and limit) of the
     * one buffer. A heap buffer, not a read-only one: Tyrus copies what has no accessible array.
     */
    ByteBuffer encoded(boolean envelope) {
        ByteBuffer encoded = envelope ? envelopedEncoded : rawEncoded;
        if (encoded == null) {
            List<Frame> frames = frames(envelope);
            int size = 0;
            for (Frame f : frames) {
                size += f.encodedLength();
            }
            encoded = ByteBuffer.allocate(size);
            for (Frame f : frames) {
                f.encodeInto(encoded);
            }
            encoded.flip();
            if (envelope) {
                envelopedEncoded = encoded;
            } else {
                rawEncoded = encoded;
            }
        }
        return encoded.duplicate();
    }

    void clear() {
        if (raw.size() > RETAINED_CAPACITY) {
            raw = new ArrayList<>();
        } else {
            raw.clear();
        }
        enveloped = null;
        rawEncoded = null;
        envelopedEncoded = null;
    }
}
