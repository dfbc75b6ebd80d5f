package pgeventserv.listen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HandshakeWaitsTest {

    @Test
    void atMostMaxHandshakesWaitAndTheNextIsRefusedUntilOneLeaves() {
        HandshakeWaits waits = new HandshakeWaits();
        for (int i = 0; i < HandshakeWaits.MAX; i++) {
            assertTrue(waits.enter());
        }
        assertEquals(HandshakeWaits.MAX, waits.waiting());
        assertFalse(waits.enter());
        assertEquals(1, waits.refused());
        waits.leave();
        assertEquals(HandshakeWaits.MAX - 1, waits.waiting());
        assertTrue(waits.enter());
    }
}
