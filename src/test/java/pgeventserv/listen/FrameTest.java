package pgeventserv.listen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FrameTest {

    @Test
    void byteSizeIsTheUtf8Length() {
        for (String s : new String[] {"", "ascii", "ü", "日本", "🎉", "a🎉b日ü"}) {
            assertEquals(s.getBytes(StandardCharsets.UTF_8).length, Frame.of(s).bytes(), s);
        }
    }

    @Test
    void shortPayloadHasATwoByteHeader() {
        byte[] frame = encoded("hi ü");
        assertEquals((byte) 0x81, frame[0], "FIN and text opcode");
        assertEquals(5, frame[1], "unmasked, length 5");
        assertArrayEquals("hi ü".getBytes(StandardCharsets.UTF_8), Arrays.copyOfRange(frame, 2, frame.length));
    }

    @Test
    void lengthEncodingSwitchesAt126And65536Bytes() {
        assertEquals(125, encoded("x".repeat(125))[1]);
        byte[] medium = encoded("x".repeat(126));
        assertEquals(126, medium[1]);
        assertEquals(126, ByteBuffer.wrap(medium, 2, 2).getShort());
        assertEquals(4 + 126, medium.length);
        byte[] max16 = encoded("x".repeat(65535));
        assertEquals(65535, ByteBuffer.wrap(max16, 2, 2).getShort() & 0xffff);
        byte[] large = encoded("x".repeat(65536));
        assertEquals(127, large[1]);
        assertEquals(65536, ByteBuffer.wrap(large, 2, 8).getLong());
        assertEquals(10 + 65536, large.length);
    }

    @Test
    void encodedLengthIsWhatEncodingWrites() {
        for (String s : new String[] {"", "ascii", "a🎉b日ü", "x".repeat(200), "ü".repeat(40_000)}) {
            Frame frame = Frame.of(s);
            ByteBuffer buffer = ByteBuffer.allocate(frame.encodedLength() + 7);
            frame.encodeInto(buffer);
            assertEquals(frame.encodedLength(), buffer.position(), "length of " + s.length() + " chars");
        }
    }

    private static byte[] encoded(String payload) {
        Frame frame = Frame.of(payload);
        ByteBuffer buffer = ByteBuffer.allocate(frame.encodedLength());
        frame.encodeInto(buffer);
        return buffer.array();
    }
}
