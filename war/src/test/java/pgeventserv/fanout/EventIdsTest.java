package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EventIdsTest {

    @Test
    void anIdOfThisRunStandsForItsPosition() {
        EventIds ids = EventIds.random();
        assertEquals(0, ids.position(ids.id(0)));
        assertEquals(123_456_789_012L, ids.position(ids.id(123_456_789_012L)));
    }

    @Test
    void everyPlainIdBeginsWithTheRunAndADotWhatABalancerRoutesBy() {
        EventIds ids = EventIds.random();
        String run = ids.run();
        assertEquals(12, run.length());
        assertFalse(run.contains("."), run);
        assertEquals(run, ids.id(7).split("\\.")[0]);
        assertEquals(run, ids.id(7, 42).split("\\.")[0]);
        assertFalse(EventIds.durableId(7).startsWith(run + "."));
    }

    @Test
    void idsAreShortPrintableAndWithoutSpaces() {
        EventIds ids = EventIds.random();
        String id = ids.id(Long.MAX_VALUE);
        assertTrue(id.length() <= EventIds.MAX_LENGTH, id);
        assertTrue(EventIds.wellFormed(id), id);
    }

    @Test
    void anIdOfAnotherRunOrServerIsUnknown() {
        EventIds mine = EventIds.random();
        EventIds other = EventIds.random();
        assertNotEquals(mine.id(5), other.id(5));
        assertEquals(EventIds.UNKNOWN, mine.position(other.id(5)));
    }

    @Test
    void garbageIsUnknownNeverAPosition() {
        EventIds ids = new EventIds("run");
        for (String garbage : new String[] {"", "run", "run.", "run.-1", "run.1x", "run.99999999999999999999", "x.1",
                "RUN.1", "run .1"}) {
            assertEquals(EventIds.UNKNOWN, ids.position(garbage), garbage);
        }
    }

    @Test
    void wellFormedIsAtMost64PrintableAsciiWithoutSpaces() {
        assertTrue(EventIds.wellFormed("a".repeat(64)));
        assertFalse(EventIds.wellFormed("a".repeat(65)));
        assertFalse(EventIds.wellFormed("a b"));
        assertFalse(EventIds.wellFormed("ü"));
        assertFalse(EventIds.wellFormed("a\nb"));
        assertFalse(EventIds.wellFormed(""));
    }

    @Test
    void aPlainIdCarriesTheWatermarkAndStillStandsForItsPosition() {
        EventIds ids = new EventIds("run");
        String id = ids.id(42, 7);
        assertEquals("run.42.7", id);
        assertEquals(42, ids.position(id));
        assertEquals(7, EventIds.watermark(id));
        assertEquals("run.42", ids.id(42, EventIds.UNKNOWN), "without durable events, no watermark");
    }

    @Test
    void aDurableIdIsItsPositionOnAnyServer() {
        String id = EventIds.durableId(123);
        assertEquals("d123", id);
        assertEquals(123, EventIds.durablePosition(id));
        assertEquals(123, EventIds.watermark(id));
        assertEquals(EventIds.UNKNOWN, new EventIds("run").position(id));
    }

    @Test
    void anotherRunsIdGivesItsWatermarkButNoPosition() {
        EventIds mine = new EventIds("mine");
        assertEquals(EventIds.UNKNOWN, mine.position("other.5.9"));
        assertEquals(9, EventIds.watermark("other.5.9"));
        for (String none : new String[] {"other.5", "d", "dx", "d-1", "x.y.9", "a.1.", ".1.2", "garbage", "1.2.3.x"}) {
            assertEquals(EventIds.UNKNOWN, EventIds.watermark(none), none);
        }
    }

    @Test
    void theLongestIdsFitTheLimit() {
        String id = EventIds.random().id(Long.MAX_VALUE, Long.MAX_VALUE);
        assertTrue(id.length() <= EventIds.MAX_LENGTH, id);
        assertTrue(EventIds.wellFormed(id));
    }
}
