package pgeventserv.bench;

import java.net.ProtocolException;
import java.nio.ByteBuffer;

/**
 * Reads the server-to-client side of a WebSocket connection (RFC 6455) incrementally, as bytes arrive in
 * whatever pieces TCP delivers them: counts complete text messages and, when asked, reads the decimal
 * send time (epoch microseconds) that starts each bench payload. Everything else in a payload is skipped
 * without being looked at, so the cost per message is a few header bytes.
 *
 * <p>Not thread-safe: owned by the one selector thread of its connection. Allocates nothing per frame.
 */
final class FrameParser {

    /** Told of each complete text message; {@code sentMicros} is -1 unless timestamps are read. */
    interface Messages {
        void message(long sentMicros);
    }

    static final int OP_CONTINUATION = 0x0;
    static final int OP_TEXT = 0x1;
    static final int OP_BINARY = 0x2;
    static final int OP_CLOSE = 0x8;
    static final int OP_PING = 0x9;
    static final int OP_PONG = 0xA;

    private static final int FIRST = 0;
    private static final int SECOND = 1;
    private static final int LENGTH = 2;
    private static final int PAYLOAD = 3;

    private final Messages messages;
    private final boolean readTimestamps;

    private int state = FIRST;
    private boolean fin;
    private int opcode;
    private int lengthBytesLeft;
    private long payloadLeft;
    private int messageOpcode = -1;

    private long timestamp;
    private boolean inDigits;
    private boolean digitsDone;
    /** Non-digits skipped before the send time ({@code {"at":} of a JSON payload), at most {@link #MAX_PREFIX}. */
    private int prefixSkipped;
    private static final int MAX_PREFIX = 8;

    private final byte[] control = new byte[125];
    private int controlLength;

    private long textMessages;
    private long otherMessages;
    private boolean pingPending;
    private final byte[] pingPayload = new byte[125];
    private int pingLength;
    private int closeCode = -1;

    FrameParser(Messages messages, boolean readTimestamps) {
        this.messages = messages;
        this.readTimestamps = readTimestamps;
    }

    /** Consumes every byte of {@code in}. */
    void feed(ByteBuffer in) throws ProtocolException {
        while (in.hasRemaining()) {
            switch (state) {
                case FIRST -> first(in.get());
                case SECOND -> second(in.get());
                case LENGTH -> {
                    payloadLeft = (payloadLeft << 8) | (in.get() & 0xFF);
                    if (--lengthBytesLeft == 0) {
                        if (payloadLeft < 0) {
                            throw new ProtocolException("frame length out of range");
                        }
                        startPayload();
                    }
                }
                default -> payload(in);
            }
        }
    }

    private void first(byte b) throws ProtocolException {
        if ((b & 0x70) != 0) {
            throw new ProtocolException("reserved bits set without an extension");
        }
        fin = (b & 0x80) != 0;
        opcode = b & 0x0F;
        boolean isControl = opcode >= 0x8;
        if (isControl ? opcode > OP_PONG || !fin : opcode > OP_BINARY) {
            throw new ProtocolException("bad opcode " + opcode + (fin ? "" : " (fragmented)"));
        }
        if (opcode == OP_CONTINUATION ? messageOpcode < 0 : !isControl && messageOpcode >= 0) {
            throw new ProtocolException("fragments out of order");
        }
        state = SECOND;
    }

    private void second(byte b) throws ProtocolException {
        if ((b & 0x80) != 0) {
            throw new ProtocolException("the server masked a frame");
        }
        int length = b & 0x7F;
        payloadLeft = 0;
        if (length == 126) {
            lengthBytesLeft = 2;
            state = LENGTH;
        } else if (length == 127) {
            lengthBytesLeft = 8;
            state = LENGTH;
        } else {
            payloadLeft = length;
            startPayload();
        }
    }

    private void startPayload() throws ProtocolException {
        if (opcode >= 0x8) {
            if (payloadLeft > control.length) {
                throw new ProtocolException("control frame longer than 125 bytes");
            }
            controlLength = 0;
        } else if (opcode != OP_CONTINUATION) {
            messageOpcode = opcode;
            timestamp = 0;
            inDigits = readTimestamps && opcode == OP_TEXT;
            digitsDone = !inDigits;
            prefixSkipped = 0;
        }
        state = PAYLOAD;
        if (payloadLeft == 0) {
            endFrame();
        }
    }

    private void payload(ByteBuffer in) {
        int n = (int) Math.min(in.remaining(), payloadLeft);
        if (opcode >= 0x8) {
            in.get(control, controlLength, n);
            controlLength += n;
        } else if (!digitsDone) {
            int end = in.position() + n;
            int i = in.position();
            while (i < end) {
                int d = in.get(i) - '0';
                if ((d < 0 || d > 9) && timestamp == 0 && prefixSkipped < MAX_PREFIX) {
                    prefixSkipped++;
                    i++;
                    continue;
                }
                if (d < 0 || d > 9) {
                    digitsDone = true;
                    break;
                }
                timestamp = timestamp * 10 + d;
                i++;
            }
            in.position(end);
        } else {
            in.position(in.position() + n);
        }
        payloadLeft -= n;
        if (payloadLeft == 0) {
            endFrame();
        }
    }

    private void endFrame() {
        state = FIRST;
        switch (opcode) {
            case OP_PING -> {
                System.arraycopy(control, 0, pingPayload, 0, controlLength);
                pingLength = controlLength;
                pingPending = true;
            }
            case OP_CLOSE -> closeCode = controlLength >= 2 ? ((control[0] & 0xFF) << 8) | (control[1] & 0xFF) : 1005;
            case OP_PONG -> {
                // unsolicited pongs are allowed and mean nothing
            }
            default -> {
                if (fin) {
                    if (messageOpcode == OP_TEXT) {
                        textMessages++;
                        messages.message(inDigits && timestamp > 0 ? timestamp : -1);
                    } else {
                        otherMessages++;
                    }
                    messageOpcode = -1;
                }
            }
        }
    }

    long textMessages() {
        return textMessages;
    }

    long otherMessages() {
        return otherMessages;
    }

    /** The close code the server sent (1005 when it gave none), or -1 while it has sent no close frame. */
    int closeCode() {
        return closeCode;
    }

    /** Takes the payload of the latest unanswered ping into {@code to} and returns its length, or -1 if none. */
    int takePing(byte[] to) {
        if (!pingPending) {
            return -1;
        }
        pingPending = false;
        System.arraycopy(pingPayload, 0, to, 0, pingLength);
        return pingLength;
    }
}
