package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** History at the edges of its bounds: exactly full, an event larger than the bound, age counted from the newest. */
class HistoryBoundsTest {

    private static final EventIds IDS = new EventIds("bounds");

    private static Event event(long position, String payload, long nanos) {
        return new Event(position, "c", payload, nanos, IDS);
    }

    private static List<Long> positions(History.Replay replay) {
        return replay.events().stream().map(Event::position).toList();
    }

    @Test
    void holdsExactlyItsBoundInBytes() {
        History history = new History(100, 10, Long.MAX_VALUE);
        history.listened(0);
        history.append(event(1, "12345", 0));
        history.append(event(2, "67890", 0));
        assertEquals(2, history.count());
        assertEquals(10, history.bytes());
    }

    @Test
    void anEventLargerThanTheByteBoundIsNotKept() {
        History history = new History(100, 4, Long.MAX_VALUE);
        history.listened(0);
        history.append(event(1, "123", 0));
        history.append(event(2, "too large", 0));
        assertEquals(0, history.count());
        assertEquals(0, history.bytes());
        assertTrue(history.evictedAfter(1));
    }

    @Test
    void appendingDropsWhatIsOlderThanTheAgeCountedFromTheNewEvent() {
        History history = new History(100, 1 << 20, 10);
        history.listened(0);
        history.append(event(1, "old", 0));
        history.append(event(2, "ten later", 10));
        assertEquals(2, history.count(), "exactly its age: kept");
        history.append(event(3, "eleven later", 11));
        assertEquals(2, history.count());
        assertEquals(List.of(2L, 3L), positions(history.since(1, 11)));
    }

    @Test
    void evictionByAgeLooksAtEachEventsOwnTime() {
        History history = new History(100, 1 << 20, 10);
        history.listened(0);
        history.append(event(1, "a", 100));
        history.evictOlderThan(105);
        assertEquals(1, history.count());
        history.evictOlderThan(110);
        assertEquals(1, history.count());
        history.evictOlderThan(111);
        assertEquals(0, history.count());
        assertEquals(0, history.bytes());
    }

    @Test
    void evictedAfterIsTrueOnlyBelowTheLastEvictedPosition() {
        History history = new History(1, 1 << 20, Long.MAX_VALUE);
        history.listened(0);
        history.append(event(1, "a", 0));
        history.append(event(2, "b", 0));
        assertTrue(history.evictedAfter(0));
        assertFalse(history.evictedAfter(1), "1 itself was evicted: nothing after it");
    }

    @Test
    void growingKeepsEveryEventInOrder() {
        History history = new History(40, 1 << 20, Long.MAX_VALUE);
        history.listened(0);
        for (long p = 1; p <= 50; p++) {
            history.append(event(p, "x", 0));
        }
        assertEquals(40, history.count());
        assertEquals(11L, positions(history.since(10, 0)).get(0));
        assertEquals(50L, positions(history.since(10, 0)).get(39));
    }
}
