package pgeventserv.bench;

import java.net.ProtocolException;
import java.nio.ByteBuffer;

/**
 * Removes HTTP/1.1 chunked transfer encoding (RFC 9112 section 7.1) incrementally, whatever pieces the bytes
 * arrive in, and hands the chunks' data to an {@link EventStreamParser} without copying it. Chunk extensions
 * and trailers are skipped.
 *
 * <p>Not thread-safe: owned by the one selector thread of its connection. Allocates nothing per chunk.
 */
final class ChunkedBody {

    private static final int SIZE = 0;
    private static final int EXTENSION = 1;
    private static final int SIZE_LF = 2;
    private static final int DATA = 3;
    private static final int DATA_CR = 4;
    private static final int DATA_LF = 5;
    private static final int ENDED = 6;

    private final EventStreamParser body;
    private int state = SIZE;
    private long size;
    private int sizeDigits;
    private long left;

    ChunkedBody(EventStreamParser body) {
        this.body = body;
    }

    /** Consumes every byte of {@code in}. */
    void feed(ByteBuffer in) throws ProtocolException {
        while (in.hasRemaining()) {
            switch (state) {
                case SIZE -> size(in.get());
                case EXTENSION -> {
                    if (in.get() == '\r') {
                        state = SIZE_LF;
                    }
                }
                case SIZE_LF -> {
                    expect(in.get(), '\n');
                    if (size == 0) {
                        state = ENDED;
                    } else {
                        left = size;
                        state = DATA;
                    }
                }
                case DATA -> data(in);
                case DATA_CR -> {
                    expect(in.get(), '\r');
                    state = DATA_LF;
                }
                case DATA_LF -> {
                    expect(in.get(), '\n');
                    size = 0;
                    sizeDigits = 0;
                    state = SIZE;
                }
                default -> in.position(in.limit());
            }
        }
    }

    private void size(byte b) throws ProtocolException {
        int digit = Character.digit(b, 16);
        if (digit >= 0) {
            if (++sizeDigits > 15) {
                throw new ProtocolException("chunk size too long");
            }
            size = size * 16 + digit;
        } else if (sizeDigits > 0 && (b == ';' || b == ' ' || b == '\t')) {
            state = EXTENSION;
        } else if (sizeDigits > 0 && b == '\r') {
            state = SIZE_LF;
        } else {
            throw new ProtocolException("bad chunk size byte " + (b & 0xFF));
        }
    }

    private void data(ByteBuffer in) throws ProtocolException {
        int n = (int) Math.min(in.remaining(), left);
        int limit = in.limit();
        in.limit(in.position() + n);
        body.feed(in);
        in.limit(limit);
        left -= n;
        if (left == 0) {
            state = DATA_CR;
        }
    }

    private static void expect(byte b, char wanted) throws ProtocolException {
        if (b != wanted) {
            throw new ProtocolException("chunk framing: expected " + (int) wanted + ", got " + (b & 0xFF));
        }
    }

    /** Whether the last chunk (size 0) has come: the server ended the body. */
    boolean ended() {
        return state == ENDED;
    }
}
