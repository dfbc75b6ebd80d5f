package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static pgeventserv.fanout.TestFormat.texts;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchTest {

    private long position;

    private Event event(String payload) {
        return new Event(++position, "orders", payload, 0, FanoutTest.IDS);
    }

    @Test
    void framedBatchIsTheMessagesBackToBackInOrder() {
        Batch batch = new Batch();
        batch.add(event("one"));
        batch.add(event("zwei ü"));
        batch.add(event("x".repeat(300)));
        assertEquals(List.of("one", "zwei ü", "x".repeat(300)), texts(batch.messages(TestFormat.RAW).framed()));
    }

    @Test
    void everySubscriberGetsItsOwnViewOfOneBuffer() {
        Batch batch = new Batch();
        batch.add(event("one"));
        ByteBuffer first = batch.messages(TestFormat.RAW).framed();
        first.position(first.limit());
        ByteBuffer second = batch.messages(TestFormat.RAW).framed();
        assertNotSame(first, second);
        assertEquals(0, second.position(), "a write that consumed its view leaves the next one whole");
        assertSame(first.array(), second.array(), "framed once");
        assertTrue(second.hasArray(), "Tyrus copies buffers without an accessible array");
    }

    @Test
    void eachFormatGetsItsOwnMessagesOfTheSamePayloads() {
        Batch batch = new Batch();
        batch.add(event("{\"id\":1}"));
        assertEquals(List.of("env:{\"id\":1}"), texts(batch.messages(TestFormat.ENVELOPE).framed()));
        assertEquals(List.of("{\"id\":1}"), texts(batch.messages(TestFormat.RAW).framed()));
        assertSame(batch.messages(TestFormat.RAW), batch.messages(TestFormat.RAW), "put once per format and poll");
    }

    @Test
    void clearStartsTheNextPollEmpty() {
        Batch batch = new Batch();
        for (int i = 0; i < 2_000; i++) {
            batch.add(event("n" + i));
        }
        ByteBuffer outstanding = batch.messages(TestFormat.RAW).framed();
        batch.clear();
        assertTrue(batch.isEmpty());
        batch.add(event("next"));
        assertEquals(List.of("next"), texts(batch.messages(TestFormat.RAW).framed()));
        assertEquals(2_000, texts(outstanding).size(), "a write still outstanding keeps what it was given");
    }
}
