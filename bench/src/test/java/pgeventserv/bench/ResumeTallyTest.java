package pgeventserv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResumeTallyTest {

    private static final long MS = 1_000_000;

    @Test
    void allStreamsCompleteGiveTheTimeToTheLastAndTheReplayRate() {
        List<ResumeTally.Stream> streams = List.of(
                new ResumeTally.Stream(500, 100, 0, 0, 10 * MS),
                new ResumeTally.Stream(500, 100, 0, 5 * MS, 50 * MS));
        Results.Resume r = ResumeTally.tally("pg_eventserv", 2, 500, 100, 0, streams, 0, null);
        assertEquals(2, r.complete());
        assertEquals(50_000, r.allDoneMicros());
        assertEquals(2 * 500 / 0.05, r.replayedPerSecond(), 1e-6);
        assertEquals(45_000, r.reconnectToLast().p99());
        assertEquals(10_000, r.reconnectToLast().p50());
        assertEquals(0, r.missing() + r.extra() + r.outOfOrder());
    }

    @Test
    void missingDoubledAndMisorderedDeliveriesAreCounted() {
        List<ResumeTally.Stream> streams = List.of(
                new ResumeTally.Stream(499, 100, 1, 0, 0),
                new ResumeTally.Stream(501, 100, 1, 0, 20 * MS),
                new ResumeTally.Stream(500, 99, 0, 0, 20 * MS));
        Results.Resume r = ResumeTally.tally("pg_eventserv", 4, 500, 100, 0, streams, 1, null);
        assertEquals(2, r.complete());
        assertEquals(-1, r.allDoneMicros());
        assertEquals(0, r.replayedPerSecond());
        assertEquals(1 + 500, r.missing());
        assertEquals(1, r.extra());
        assertEquals(3, r.outOfOrder());
        assertEquals(1, r.errors());
    }
}
