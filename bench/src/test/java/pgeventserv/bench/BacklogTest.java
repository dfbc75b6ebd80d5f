package pgeventserv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BacklogTest {

    private static final long MS = 1_000_000;

    @Test
    void startsAtTheFloor() {
        Backlog b = new Backlog(5_000, 0);
        assertEquals(Backlog.FLOOR, b.window());
        assertEquals(50, b.batch());
    }

    @Test
    void followsHalfASecondOfTheSlowestReceiversPace() {
        Backlog b = new Backlog(5_000, 0);
        b.observe(250 * MS, 1_000);
        assertEquals(2_000, b.window(), "4,000/s for half a second");
        assertEquals(500, b.batch());
    }

    @Test
    void aSlowReceiverKeepsTheFloorSoTheRestDrainsQuickly() {
        Backlog b = new Backlog(5_000, 0);
        b.observe(250 * MS, 5);
        assertEquals(Backlog.FLOOR, b.window());
    }

    @Test
    void neverAboveItsBoundAndBatchesAtMostAThousand() {
        Backlog b = new Backlog(5_000, 0);
        b.observe(250 * MS, 1_000_000);
        assertEquals(5_000, b.window());
        assertEquals(1_000, b.batch());
    }

    @Test
    void reEstimatesOnlyAfterAQuarterSecond() {
        Backlog b = new Backlog(5_000, 0);
        b.observe(100 * MS, 1_000_000);
        assertEquals(Backlog.FLOOR, b.window());
        b.observe(300 * MS, 1_200);
        assertEquals(2_000, b.window());
        b.observe(600 * MS, 1_200);
        assertEquals(Backlog.FLOOR, b.window(), "a receiver that stopped brings the window down");
    }

    @Test
    void boundUnderTheFloorIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Backlog(100, 0));
    }
}
