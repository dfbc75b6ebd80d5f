package pgeventserv.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameParserTest {

    private final List<Long> timestamps = new ArrayList<>();

    private static byte[] frame(boolean fin, int opcode, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            out.write(payload.length);
        } else if (payload.length < 65536) {
            out.write(126);
            out.write(payload.length >> 8);
            out.write(payload.length & 0xFF);
        } else {
            out.write(127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) payload.length >> shift) & 0xFF);
            }
        }
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private static byte[] text(String payload) {
        return frame(true, FrameParser.OP_TEXT, payload.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private FrameParser parser(boolean timestamps) {
        return new FrameParser(this.timestamps::add, timestamps);
    }

    @Test
    void countsTextMessagesOfEveryLengthEncoding() throws Exception {
        FrameParser parser = parser(false);
        parser.feed(ByteBuffer.wrap(concat(text(""), text("x".repeat(125)), text("y".repeat(126)),
                text("z".repeat(65_535)), text("w".repeat(65_536)))));
        assertEquals(5, parser.textMessages());
        assertEquals(List.of(-1L, -1L, -1L, -1L, -1L), timestamps);
    }

    @Test
    void readsTheSendTimeThatStartsThePayload() throws Exception {
        FrameParser parser = parser(true);
        parser.feed(ByteBuffer.wrap(concat(text("1732612345678901 17 xxxxxxxx"), text("42"), text("no digits"))));
        assertEquals(List.of(1732612345678901L, 42L, -1L), timestamps);
    }

    @Test
    void sameResultWhateverWayTheBytesAreSplit() throws Exception {
        byte[] stream = concat(text("1732612345678901 1 xxxxxxxxxxxxxxxxxxxxx"), text("y".repeat(300)),
                frame(true, FrameParser.OP_PING, new byte[] {1, 2, 3}),
                frame(false, FrameParser.OP_TEXT, "17326".getBytes(StandardCharsets.US_ASCII)),
                frame(true, FrameParser.OP_PONG, new byte[0]),
                frame(true, FrameParser.OP_CONTINUATION, "12345678901 2 x".getBytes(StandardCharsets.US_ASCII)),
                text("1732612345678903 3"));
        List<Long> expected = List.of(1732612345678901L, -1L, 1732612345678901L, 1732612345678903L);
        for (int cut1 = 0; cut1 <= stream.length; cut1 += 7) {
            for (int cut2 = cut1; cut2 <= stream.length; cut2 += 13) {
                timestamps.clear();
                FrameParser parser = parser(true);
                parser.feed(ByteBuffer.wrap(stream, 0, cut1));
                parser.feed(ByteBuffer.wrap(stream, cut1, cut2 - cut1));
                parser.feed(ByteBuffer.wrap(stream, cut2, stream.length - cut2));
                assertEquals(4, parser.textMessages(), "cuts at " + cut1 + ", " + cut2);
                assertEquals(expected, timestamps, "cuts at " + cut1 + ", " + cut2);
            }
        }
    }

    @Test
    void byteByByteFeedingGivesTheSameCounts() throws Exception {
        byte[] stream = concat(text("1 a"), text("22 b"), frame(true, FrameParser.OP_BINARY, new byte[200]), text("333"));
        FrameParser parser = parser(true);
        for (byte b : stream) {
            parser.feed(ByteBuffer.wrap(new byte[] {b}));
        }
        assertEquals(3, parser.textMessages());
        assertEquals(1, parser.otherMessages());
        assertEquals(List.of(1L, 22L, 333L), timestamps);
    }

    @Test
    void fragmentedMessageCountsOnceWhenComplete() throws Exception {
        FrameParser parser = parser(false);
        parser.feed(ByteBuffer.wrap(frame(false, FrameParser.OP_TEXT, "ab".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(0, parser.textMessages());
        parser.feed(ByteBuffer.wrap(frame(false, FrameParser.OP_CONTINUATION, "cd".getBytes(StandardCharsets.US_ASCII))));
        parser.feed(ByteBuffer.wrap(frame(true, FrameParser.OP_CONTINUATION, "ef".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(1, parser.textMessages());
    }

    @Test
    void pingIsHandedOverForThePong() throws Exception {
        FrameParser parser = parser(false);
        byte[] none = new byte[125];
        assertEquals(-1, parser.takePing(none));
        parser.feed(ByteBuffer.wrap(frame(true, FrameParser.OP_PING, new byte[] {7, 8, 9})));
        byte[] payload = new byte[125];
        assertEquals(3, parser.takePing(payload));
        assertArrayEquals(new byte[] {7, 8, 9}, Arrays.copyOf(payload, 3));
        assertEquals(-1, parser.takePing(payload));
    }

    @Test
    void closeFrameGivesItsCode() throws Exception {
        FrameParser parser = parser(false);
        assertEquals(-1, parser.closeCode());
        parser.feed(ByteBuffer.wrap(frame(true, FrameParser.OP_CLOSE, new byte[] {0x03, (byte) 0xF5, 'b', 'y', 'e'})));
        assertEquals(1013, parser.closeCode());
        FrameParser empty = parser(false);
        empty.feed(ByteBuffer.wrap(frame(true, FrameParser.OP_CLOSE, new byte[0])));
        assertEquals(1005, empty.closeCode());
    }

    @Test
    void protocolErrorsAreRefused() {
        assertThrows(ProtocolException.class, () -> parser(false).feed(ByteBuffer.wrap(new byte[] {(byte) 0x81, (byte) 0x81, 1, 2, 3, 4, 5})),
                "masked server frame");
        assertThrows(ProtocolException.class, () -> parser(false).feed(ByteBuffer.wrap(new byte[] {(byte) 0x83, 0})),
                "reserved opcode");
        assertThrows(ProtocolException.class, () -> parser(false).feed(ByteBuffer.wrap(new byte[] {(byte) 0xC1, 0})),
                "reserved bit");
        assertThrows(ProtocolException.class, () -> parser(false).feed(ByteBuffer.wrap(new byte[] {(byte) 0x80, 0})),
                "continuation without a start");
        assertThrows(ProtocolException.class, () -> parser(false).feed(ByteBuffer.wrap(new byte[] {0x09, 0})),
                "fragmented control frame");
        assertThrows(ProtocolException.class, () -> parser(false).feed(ByteBuffer.wrap(new byte[] {(byte) 0x89, 126, 0, (byte) 200})),
                "control frame over 125 bytes");
    }

    @Test
    void clientFramesAreMaskedAndDecodeBack() {
        ByteBuffer frame = WsConnection.clientFrame(FrameParser.OP_PONG, new byte[] {1, 2, 3, 4, 5}, 5);
        assertEquals(0x80 | FrameParser.OP_PONG, frame.get() & 0xFF);
        assertEquals(0x80 | 5, frame.get() & 0xFF);
        byte[] mask = new byte[4];
        frame.get(mask);
        byte[] decoded = new byte[5];
        for (int i = 0; i < 5; i++) {
            decoded[i] = (byte) (frame.get() ^ mask[i & 3]);
        }
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, decoded);
        assertEquals(0, frame.remaining());
    }

    @Test
    void theSendTimeOfAJsonPayloadIsReadAfterItsKey() throws Exception {
        FrameParser parser = parser(true);
        parser.feed(ByteBuffer.wrap(concat(text("{\"at\":1733500000123456,\"tenant\":7,\"s\":\"5xx\"}"),
                text("1733500000999999 6xx"))));
        assertEquals(List.of(1733500000123456L, 1733500000999999L), timestamps);
    }
}
