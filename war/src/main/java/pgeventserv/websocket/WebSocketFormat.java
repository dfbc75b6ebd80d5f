package pgeventserv.websocket;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import pgeventserv.fanout.Format;
import pgeventserv.fanout.Frame;
import pgeventserv.fanout.Event;
import pgeventserv.fanout.GapNotice;

/**
 * The two ways a WebSocket client gets notifications: the payload itself (the original's protocol), or its
 * {@link Envelope}. Framed as server-to-client text frames (FIN, opcode 1, unmasked) for the raw writer, which
 * writes them straight to the connection.
 */
enum WebSocketFormat implements Format {

    RAW {
        @Override
        public String message(Event event) {
            return event.payload();
        }

        /** A raw frame is taken for a payload, so there is no way to say "gap" in band. */
        @Override
        public String gap(GapNotice gap) {
            return null;
        }
    },

    ENVELOPE {
        @Override
        public String message(Event event) {
            return Envelope.notification(event);
        }

        @Override
        public String gap(GapNotice gap) {
            return Envelope.gap(gap);
        }
    };

    @Override
    public int framedLength(Frame message) {
        return header(message.bytes()) + message.bytes();
    }

    /** For an ASCII text {@code getBytes} is an array copy, far cheaper than encoding char by char into the buffer. */
    @Override
    public void frame(Frame message, ByteBuffer out) {
        int bytes = message.bytes();
        out.put((byte) 0x81);
        if (bytes < 126) {
            out.put((byte) bytes);
        } else if (bytes < 65536) {
            out.put((byte) 126).putShort((short) bytes);
        } else {
            out.put((byte) 127).putLong(bytes);
        }
        out.put(message.text().getBytes(StandardCharsets.UTF_8));
    }

    private static int header(int payloadBytes) {
        return payloadBytes < 126 ? 2 : payloadBytes < 65536 ? 4 : 10;
    }
}
