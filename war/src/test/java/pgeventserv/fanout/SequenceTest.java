package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Delivery positions, the poll's time, and the watermark plain events carry. */
class SequenceTest {

    private final EventIds ids = new EventIds("seq");
    private final Watermark watermark = new Watermark(EventIds.UNKNOWN);
    private final Sequence sequence = new Sequence(ids, watermark);

    @Test
    void everyDeliveredEventTakesTheNextPositionWhateverItsChannel() {
        Event a = sequence.plain("a", "1");
        Event b = sequence.durable("b", new DurableRow(7, "b", "2", Instant.EPOCH));
        Event c = sequence.plain("a", "3");
        assertEquals(1, a.position());
        assertEquals(2, b.position());
        assertEquals(3, c.position());
        assertEquals(3, sequence.position());
        assertEquals("b", b.channel());
        assertEquals("2", b.payload());
    }

    @Test
    void aStoredEventHasNoPlaceInTheDeliveryOrder() {
        sequence.plain("a", "1");
        Event stored = sequence.stored(new DurableRow(9, "b", "p", Instant.EPOCH));
        assertEquals(0, stored.position());
        assertEquals(9, stored.durablePosition());
        assertEquals("b", stored.channel());
        assertEquals(EventIds.durableId(9), stored.id());
        assertEquals(1, sequence.position());
    }

    @Test
    void aDurableEventsIdIsItsPositionAndAPlainOneCarriesTheWatermark() {
        watermark.raise(41);
        Event durable = sequence.durable("a", new DurableRow(42, "a", "d", Instant.EPOCH));
        Event plain = sequence.plain("a", "p");
        assertEquals(42, durable.durablePosition());
        assertEquals(EventIds.durableId(42), durable.id());
        assertEquals(0, plain.durablePosition());
        assertEquals(41, EventIds.watermark(plain.id()));
        assertEquals(plain.position(), ids.position(plain.id()));
    }

    @Test
    void eventsOfOnePollShareItsTimeAndTheNextPollHasItsOwn() throws Exception {
        Event a = sequence.plain("a", "1");
        Thread.sleep(2);
        Event b = sequence.plain("a", "2");
        assertEquals(a.receivedNanos(), b.receivedNanos());
        sequence.pollEnded();
        Thread.sleep(2);
        Event c = sequence.plain("a", "3");
        assertNotEquals(a.receivedNanos(), c.receivedNanos());
        assertEquals(ids, sequence.ids());
    }

    @Test
    void theWatermarkOnlyRises() {
        Watermark w = new Watermark(5);
        w.raise(3);
        assertEquals(5, w.get());
        w.raise(8);
        assertEquals(8, w.get());
    }
}
