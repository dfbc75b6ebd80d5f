package pgeventserv.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CanaryTest {

    private static final long SECOND = 1_000_000_000L;
    private final Canary canary = new Canary("canary");

    @Test
    void notHealthyBeforeTheFirstCanaryComesBack() {
        assertTrue(canary.due(0));
        canary.send(0);
        assertFalse(canary.healthy(0));
        assertEquals(-1, canary.roundTripNanos());
    }

    @Test
    void healthyOnceACanaryComesBackAndRoundTripIsMeasured() {
        String payload = canary.send(10 * SECOND);
        canary.returned(payload, 10 * SECOND + 3_000_000);
        assertTrue(canary.healthy(11 * SECOND));
        assertEquals(3_000_000, canary.roundTripNanos());
    }

    @Test
    void dueAgainAfterAnInterval() {
        canary.send(0);
        assertFalse(canary.due(Canary.INTERVAL_NANOS - 1));
        assertTrue(canary.due(Canary.INTERVAL_NANOS));
    }

    @Test
    void notHealthyWhenNoCanaryCameBackWithinIntervalPlusDelay() {
        canary.returned(canary.send(0), SECOND);
        assertTrue(canary.healthy(SECOND + Canary.INTERVAL_NANOS + Canary.MAX_DELAY_NANOS));
        assertFalse(canary.healthy(SECOND + Canary.INTERVAL_NANOS + Canary.MAX_DELAY_NANOS + 1));
    }

    @Test
    void aStaleCanaryFromAnEarlierSendDoesNotCount() {
        String first = canary.send(0);
        canary.send(Canary.INTERVAL_NANOS);
        canary.returned(first, Canary.INTERVAL_NANOS + 1);
        assertFalse(canary.healthy(Canary.INTERVAL_NANOS + 1));
    }

    @Test
    void aLostConnectionResetsReadinessAndMakesTheNextCanaryDueAtOnce() {
        canary.returned(canary.send(0), 1);
        canary.reset();
        assertFalse(canary.healthy(2));
        assertTrue(canary.due(2));
    }
}
