package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Ids at the edges: the longest number, a missing run prefix, the printable range. */
class EventIdsEdgesTest {

    private final EventIds ids = new EventIds("edge");

    @Test
    void eighteenDigitsAreAPositionAndNineteenAreNot() {
        assertEquals(123456789012345678L, ids.position("edge.123456789012345678"));
        assertEquals(EventIds.UNKNOWN, ids.position("edge.1234567890123456789"));
    }

    @Test
    void anIdWithoutARunPrefixCarriesNoWatermark() {
        assertEquals(EventIds.UNKNOWN, EventIds.watermark(".1.2"));
        assertEquals(2, EventIds.watermark("r.1.2"));
    }

    @Test
    void tildeIsTheLastPrintableCharacterAndSpaceIsNotOne() {
        assertTrue(EventIds.wellFormed("a~"));
        assertTrue(EventIds.wellFormed("!"));
        assertFalse(EventIds.wellFormed("a b"));
        assertFalse(EventIds.wellFormed("a\u007f"));
    }
}
