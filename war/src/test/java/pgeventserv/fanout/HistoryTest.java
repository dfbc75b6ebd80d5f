package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HistoryTest {

    private static final EventIds IDS = new EventIds("run");
    private static final long AGE = TimeUnit.MINUTES.toNanos(5);

    private static Event event(long position, String payload, long nanos) {
        return new Event(position, "c", payload, nanos, IDS);
    }

    private static List<Long> positions(History.Replay replay) {
        return replay.events().stream().map(Event::position).toList();
    }

    @Test
    void keepsTheLastMessagesUpToTheCount() {
        History history = new History(3, 1 << 20, AGE);
        history.listened(0);
        for (long p = 1; p <= 10; p++) {
            history.append(event(p, "x", 0));
        }
        assertEquals(3, history.count());
        assertEquals(List.of(8L, 9L, 10L), positions(history.since(7, 0)));
        assertNull(history.since(7, 0).gapReason(), "the client had 7: 8 on are all here");
        assertEquals(GapNotice.HISTORY, history.since(6, 0).gapReason(), "7 was dropped");
    }

    @Test
    void keepsNoMoreBytesThanItsBound() {
        History history = new History(1000, 10, AGE);
        history.listened(0);
        history.append(event(1, "12345", 0));
        history.append(event(2, "12345", 0));
        history.append(event(3, "ü", 0));
        assertEquals(List.of(2L, 3L), positions(history.since(1, 0)));
        assertEquals(7, history.bytes(), "UTF-8 bytes");
    }

    @Test
    void dropsWhatIsOlderThanItsAge() {
        History history = new History(1000, 1 << 20, 100);
        history.listened(0);
        history.append(event(1, "old", 0));
        history.append(event(2, "new", 150));
        assertEquals(List.of(2L), positions(history.since(0, 150)));
        assertEquals(GapNotice.HISTORY, history.since(0, 150).gapReason());
        assertEquals(0, history.since(2, 1_000).events().size());
        assertEquals(0, history.count());
    }

    @Test
    void aClientAtTheLatestEventMissedNothingEvenWithHistoryOff() {
        History history = new History(0, 1 << 20, AGE);
        history.listened(4);
        history.append(event(5, "x", 0));
        assertEquals(0, history.count());
        assertNull(history.since(5, 0).gapReason());
        assertEquals(GapNotice.HISTORY, history.since(4, 0).gapReason());
    }

    @Test
    void anIdFromBeforeTheListenIsAGap() {
        History history = new History(10, 1 << 20, AGE);
        history.listened(50);
        history.append(event(51, "x", 0));
        assertEquals(GapNotice.HISTORY, history.since(49, 0).gapReason());
        assertEquals(List.of(51L), positions(history.since(49, 0)), "what is held still follows the gap");
        assertEquals(GapNotice.HISTORY, history.since(50, 0).gapReason(), "what was sent before the LISTEN was not heard");
        assertNull(history.since(51, 0).gapReason());
    }

    @Test
    void anOutageAfterTheClientsIdIsAGapWithItsTimes() {
        History history = new History(10, 1 << 20, AGE);
        history.listened(0);
        history.append(event(1, "a", 0));
        Instant since = Instant.parse("2026-01-01T00:00:00Z");
        Instant until = since.plusSeconds(3);
        history.outage(1, since, until);
        history.append(event(2, "b", 0));
        History.Replay replay = history.since(1, 0);
        assertEquals(GapNotice.OUTAGE, replay.gapReason());
        assertEquals(since, replay.outageSince());
        assertEquals(until, replay.outageUntil());
        assertEquals(List.of(2L), positions(replay));
        assertNull(history.since(2, 0).gapReason(), "after the outage, continuity again");
    }

    @Test
    void anUnknownIdIsAGapWithNothingReplayed() {
        History history = new History(10, 1 << 20, AGE);
        history.listened(0);
        history.append(event(1, "a", 0));
        History.Replay replay = history.since(EventIds.UNKNOWN, 0);
        assertEquals(GapNotice.UNKNOWN, replay.gapReason());
        assertEquals(List.of(), replay.events());
    }

    @Test
    void growsToItsBoundOnlyAsNeeded() {
        History history = new History(100_000, Long.MAX_VALUE, AGE);
        history.listened(0);
        for (long p = 1; p <= 100_000; p++) {
            history.append(event(p, "x", 0));
        }
        history.append(event(100_001, "y", 0));
        assertEquals(100_000, history.count());
        assertEquals(List.of(100_001L), positions(history.since(100_000, 0)));
    }
}
