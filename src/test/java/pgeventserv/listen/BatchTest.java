package pgeventserv.listen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchTest {

    @Test
    void encodedBatchIsTheFramesBackToBackInOrder() {
        Batch batch = new Batch("orders");
        batch.add("one");
        batch.add("zwei ü");
        batch.add("x".repeat(300));
        assertEquals(List.of("one", "zwei ü", "x".repeat(300)), texts(batch.encoded(false)));
    }

    @Test
    void everySessionGetsItsOwnViewOfOneBuffer() {
        Batch batch = new Batch("orders");
        batch.add("one");
        ByteBuffer first = batch.encoded(false);
        first.position(first.limit());
        ByteBuffer second = batch.encoded(false);
        assertNotSame(first, second);
        assertEquals(0, second.position(), "a write that consumed its view leaves the next one whole");
        assertSame(first.array(), second.array(), "encoded once");
        assertTrue(second.hasArray(), "Tyrus copies buffers without an accessible array");
    }

    @Test
    void envelopeSessionsGetEnvelopesOfTheSamePayloads() {
        Batch batch = new Batch("orders");
        batch.add("{\"id\":1}");
        assertEquals(List.of(Envelope.notification("orders", "{\"id\":1}")), texts(batch.encoded(true)));
        assertEquals(List.of("{\"id\":1}"), texts(batch.encoded(false)));
    }

    @Test
    void clearStartsTheNextPollEmpty() {
        Batch batch = new Batch("orders");
        for (int i = 0; i < 2_000; i++) {
            batch.add("n" + i);
        }
        ByteBuffer outstanding = batch.encoded(false);
        batch.clear();
        assertTrue(batch.isEmpty());
        batch.add("next");
        assertEquals(List.of("next"), texts(batch.encoded(false)));
        assertEquals(2_000, texts(outstanding).size(), "a write still outstanding keeps what it was given");
    }

    /** Parses unmasked server text frames. */
    private static List<String> texts(ByteBuffer frames) {
        List<String> texts = new ArrayList<>();
        while (frames.hasRemaining()) {
            assertEquals((byte) 0x81, frames.get());
            int length = frames.get() & 0x7f;
            if (length == 126) {
                length = frames.getShort() & 0xffff;
            } else if (length == 127) {
                length = (int) frames.getLong();
            }
            byte[] payload = new byte[length];
            frames.get(payload);
            texts.add(new String(payload, StandardCharsets.UTF_8));
        }
        return texts;
    }
}
