package pgeventserv.listen;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One notification payload on its way to every session of its channel: made once per notification and
 * shared by all of them, so fan-out adds no per-session copy of the payload. Where frames are written raw
 * ({@link TyrusRawFrames}), the WebSocket frame is encoded straight into the buffer that is written.
 */
final class Frame {

    private final String payload;
    private final int bytes;

    private Frame(String payload, int bytes) {
        this.payload = payload;
        this.bytes = bytes;
    }

    static Frame of(String payload) {
        return new Frame(payload, utf8Length(payload));
    }

    String payload() {
        return payload;
    }

    /** The payload's UTF-8 size: counted against each session's byte bound. */
    int bytes() {
        return bytes;
    }

    /** The size of the server-to-client text frame (FIN, opcode 1, unmasked): a 2, 4 or 10 byte header and the payload. */
    int encodedLength() {
        return header(bytes) + bytes;
    }

    /**
     * Puts the encoded frame at the buffer's position. Once per notification, not per session; for an ASCII
     * payload {@code getBytes} is an array copy, far cheaper than encoding char by char into the buffer.
     */
    void encodeInto(ByteBuffer buffer) {
        buffer.put((byte) 0x81);
        if (bytes < 126) {
            buffer.put((byte) bytes);
        } else if (bytes < 65536) {
            buffer.put((byte) 126).putShort((short) bytes);
        } else {
            buffer.put((byte) 127).putLong(bytes);
        }
        buffer.put(payload.getBytes(StandardCharsets.UTF_8));
    }

    private static int header(int payloadBytes) {
        return payloadBytes < 126 ? 2 : payloadBytes < 65536 ? 4 : 10;
    }

    /** The UTF-8 size without encoding. */
    static int utf8Length(String s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    bytes += 2;
                    i++;
                } else {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }
}
