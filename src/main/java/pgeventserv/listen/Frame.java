package pgeventserv.listen;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One notification payload on its way to every session of its channel: made once per notification and
 * shared by all of them, so fan-out adds no per-session copy of the payload. Where frames are written raw
 * ({@link TyrusRawFrames}), the WebSocket frame is also encoded once, by the listener thread, for all.
 */
final class Frame {

    private final String payload;
    private final int bytes;
    private byte[] encoded;

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

    /** The whole server-to-client text frame (FIN, opcode 1, unmasked). Listener thread only. */
    byte[] encoded() {
        if (encoded == null) {
            byte[] utf8 = payload.getBytes(StandardCharsets.UTF_8);
            int header = utf8.length < 126 ? 2 : utf8.length < 65536 ? 4 : 10;
            ByteBuffer frame = ByteBuffer.allocate(header + utf8.length);
            frame.put((byte) 0x81);
            if (utf8.length < 126) {
                frame.put((byte) utf8.length);
            } else if (utf8.length < 65536) {
                frame.put((byte) 126).putShort((short) utf8.length);
            } else {
                frame.put((byte) 127).putLong(utf8.length);
            }
            encoded = frame.put(utf8).array();
        }
        return encoded;
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
