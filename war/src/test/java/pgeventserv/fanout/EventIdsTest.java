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
}
