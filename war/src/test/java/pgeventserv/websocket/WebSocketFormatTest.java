package pgeventserv.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import pgeventserv.fanout.Frame;
import pgeventserv.fanout.Event;
import pgeventserv.fanout.EventIds;
import pgeventserv.fanout.GapNotice;

class WebSocketFormatTest {

    @Test
    void shortPayloadHasATwoByteHeader() {
        byte[] frame = framed("hi ü");
        assertEquals((byte) 0x81, frame[0], "FIN and text opcode");
        assertEquals(5, frame[1], "unmasked, length 5");
        assertArrayEquals("hi ü".getBytes(StandardCharsets.UTF_8), Arrays.copyOfRange(frame, 2, frame.length));
    }

    @Test
    void lengthEncodingSwitchesAt126And65536Bytes() {
        assertEquals(125, framed("x".repeat(125))[1]);
        byte[] medium = framed("x".repeat(126));
        assertEquals(126, medium[1]);
        assertEquals(126, ByteBuffer.wrap(medium, 2, 2).getShort());
        assertEquals(4 + 126, medium.length);
        byte[] max16 = framed("x".repeat(65535));
        assertEquals(65535, ByteBuffer.wrap(max16, 2, 2).getShort() & 0xffff);
        byte[] large = framed("x".repeat(65536));
        assertEquals(127, large[1]);
        assertEquals(65536, ByteBuffer.wrap(large, 2, 8).getLong());
        assertEquals(10 + 65536, large.length);
    }

    @Test
    void framedLengthIsWhatFramingWrites() {
        for (String s : new String[] {"", "ascii", "a🎉b日ü", "x".repeat(200), "ü".repeat(40_000)}) {
            Frame frame = Frame.of(s);
            ByteBuffer buffer = ByteBuffer.allocate(WebSocketFormat.RAW.framedLength(frame) + 7);
            WebSocketFormat.RAW.frame(frame, buffer);
            assertEquals(WebSocketFormat.RAW.framedLength(frame), buffer.position(), "length of " + s.length() + " chars");
        }
    }

    @Test
    void rawClientsGetThePayloadItselfAndNoGapMessage() {
        Event event = new Event(1, "orders", "{\"id\":1}", 0, new EventIds("run"));
        assertSame(event.payload(), WebSocketFormat.RAW.message(event));
        assertNull(WebSocketFormat.RAW.gap(new GapNotice("orders", GapNotice.OUTAGE, null, Instant.EPOCH, Instant.EPOCH)));
    }

    @Test
    void envelopeClientsGetEnvelopesAndGapMessages() {
        Event event = new Event(1, "orders", "{\"id\":1}", 0, new EventIds("run"));
        assertEquals(Envelope.notification(event), WebSocketFormat.ENVELOPE.message(event));
        GapNotice gap = new GapNotice("orders", GapNotice.OUTAGE, null, Instant.EPOCH, Instant.EPOCH.plusSeconds(1));
        assertEquals(Envelope.gap(gap), WebSocketFormat.ENVELOPE.gap(gap));
    }

    private static byte[] framed(String payload) {
        Frame frame = Frame.of(payload);
        ByteBuffer buffer = ByteBuffer.allocate(WebSocketFormat.RAW.framedLength(frame));
        WebSocketFormat.RAW.frame(frame, buffer);
        return buffer.array();
    }
}
