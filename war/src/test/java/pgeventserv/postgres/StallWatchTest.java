package pgeventserv.postgres;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StallWatchTest {

    private static final long T0 = 1_000_000_000_000L;

    @Test
    void nothingOutstandingIsNeverStalled() {
        assertFalse(new StallWatch().stalled(T0));
    }

    @Test
    void aRoundTripUnansweredPastTheLimitIsStalled() {
        StallWatch watch = new StallWatch();
        watch.started(T0);
        assertFalse(watch.stalled(T0 + StallWatch.STALLED_AFTER_NANOS));
        assertTrue(watch.stalled(T0 + StallWatch.STALLED_AFTER_NANOS + 1));
    }

    @Test
    void anAnswerEndsTheStall() {
        StallWatch watch = new StallWatch();
        watch.started(T0);
        watch.ended();
        assertFalse(watch.stalled(T0 + 10 * StallWatch.STALLED_AFTER_NANOS));
    }

    @Test
    void eachRoundTripIsTimedFromItsOwnStart() {
        StallWatch watch = new StallWatch();
        watch.started(T0);
        watch.ended();
        watch.started(T0 + 5 * StallWatch.STALLED_AFTER_NANOS);
        assertFalse(watch.stalled(T0 + 6 * StallWatch.STALLED_AFTER_NANOS));
    }
}
