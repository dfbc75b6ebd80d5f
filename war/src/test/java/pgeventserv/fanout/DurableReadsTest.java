package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each kind of durable read on its own, over a table in memory: what it asks, what it hands over. */
class DurableReadsTest {

    private final FakeTable table = new FakeTable();
    /** The resume rounds handed over, in the order they were. */
    private final ConcurrentLinkedQueue<DurableResume> completed = new ConcurrentLinkedQueue<>();
    private final Subscriptions subscriptions = new Subscriptions(new Limits(10, 1 << 20),
            new HistoryLimits(10, 1 << 20, Duration.ofMinutes(1)), 10, 10, c -> CompletableFuture.completedFuture(null),
            c -> { }, 0);

    private static Channel channel(String name) {
        return new Channel(name, new HistoryLimits(10, 1 << 20, Duration.ofMinutes(1)).history(),
                CompletableFuture.completedFuture(null));
    }

    private void commit(long position, String channel) {
        table.insert(position, channel, "p" + position);
        table.commit();
    }

    private static List<Long> positions(List<DurableRow> rows) {
        return rows.stream().map(DurableRow::position).toList();
    }

    @Test
    void aReferenceReadHandsOverItsTransactionsRowsAndIsReadUpToItsLastPosition() {
        table.insert(1, "a", "p1");
        table.insert(2, "b", "p2");
        table.insert(3, "a", "p3");
        table.commit();
        ReferenceRead read = new ReferenceRead(channel("a"), 1, 3, FakeTable.PUBLISHER, table, 77);
        assertFalse(read.done());
        read.run();
        assertTrue(read.done());
        assertFalse(read.failed());
        assertEquals(List.of(1L, 2L, 3L), positions(read.rows()));
        assertEquals(3, read.upTo());
        assertEquals(77, read.askedNanos);
    }

    @Test
    void aReferenceFromAnotherSessionReadsAsNothing() {
        commit(1, "a");
        ReferenceRead read = new ReferenceRead(channel("a"), 1, 1, 666, table, 0);
        read.run();
        assertTrue(read.done());
        assertFalse(read.failed());
        assertNull(read.rows());
    }

    @Test
    void aReadThatFailsIsDoneAndFailed() {
        table.failing = true;
        ReferenceRead read = new ReferenceRead(channel("a"), 1, 1, FakeTable.PUBLISHER, table, 0);
        read.run();
        assertTrue(read.done());
        assertTrue(read.failed());
    }

    @Test
    void aReadThatHitsALinkageErrorIsDoneAndFailedToo() {
        DurableReader broken = new FakeTable() {
            @Override
            public synchronized List<DurableRow> transaction(String channel, long first, long last, int sender) {
                throw new NoClassDefFoundError("org/postgresql/Driver");
            }
        };
        ReferenceRead read = new ReferenceRead(channel("a"), 1, 1, FakeTable.PUBLISHER, broken, 0);
        read.run();
        assertTrue(read.failed());
        assertTrue(read.done());
    }

    @Test
    void aReadTheExecutorRefusedIsDoneAndFailedWithoutReading() {
        ReferenceRead read = new ReferenceRead(channel("a"), 1, 1, FakeTable.PUBLISHER, table, 0);
        read.refuse();
        assertTrue(read.done());
        assertTrue(read.failed());
        assertEquals(0, table.transactionReads);
    }

    @Test
    void aCatchUpReadsOnlyTheChannelsWithRowsAboveTheirFloorsUpToOneSnapshot() {
        commit(1, "a");
        commit(2, "b");
        commit(3, "a");
        commit(4, "c");
        commit(5, "b");
        table.batchRows = 1;
        List<Floor> floors = List.of(new Floor("a", 1), new Floor("b", 4), new Floor("quiet", 0));
        CatchUpRead read = new CatchUpRead(floors, List.of(channel("a"), channel("b"), channel("quiet")), table, 0);
        assertNull(read.waiting());
        read.run();
        assertEquals(Set.of("a", "b"), read.waiting());
        assertEquals(List.of(3L, 5L), positions(read.rows()), "in bounded batches, each channel above its floor");
        assertEquals(5, read.upTo());
        assertEquals(1, table.waitingReads);
    }

    @Test
    void aCatchUpStartsFromTheLowestFloorOfTheChannelsThatWait() {
        commit(1, "a");
        commit(2, "b");
        commit(3, "a");
        List<Floor> floors = List.of(new Floor("a", 2), new Floor("b", 0), new Floor("none", 0));
        CatchUpRead read = new CatchUpRead(floors, List.of(channel("a"), channel("b"), channel("none")), table, 0);
        read.run();
        assertEquals(List.of(2L, 3L), positions(read.rows()));
    }

    @Test
    void aCatchUpOfAnEmptyTableWaitsForNothingAndReadsNothing() {
        CatchUpRead read = new CatchUpRead(List.of(new Floor("a", 0)), List.of(channel("a")), table, 0);
        read.run();
        assertEquals(Set.of(), read.waiting());
        assertEquals(List.of(), read.rows());
        assertEquals(0, table.waitingReads);
        assertFalse(read.failed());
    }

    @Test
    void aCatchUpWithNoChannelWaitingReadsNoRows() {
        commit(1, "a");
        CatchUpRead read = new CatchUpRead(List.of(new Floor("a", 1)), List.of(channel("a")), table, 0);
        read.run();
        assertEquals(Set.of(), read.waiting());
        assertEquals(List.of(), read.rows());
        assertEquals(0, table.batchReads);
        assertEquals(1, read.upTo());
    }

    @Test
    void aCatchUpReadsNothingCommittedAfterItsSnapshot() {
        commit(1, "a");
        FakeTable growing = new FakeTable() {
            @Override
            public synchronized Set<String> waiting(List<Floor> channels, long upTo) {
                Set<String> waiting = super.waiting(channels, upTo);
                insert(2, "a", "later");
                commit();
                return waiting;
            }
        };
        growing.insert(1, "a", "p1");
        growing.commit();
        CatchUpRead read = new CatchUpRead(List.of(new Floor("a", 0)), List.of(channel("a")), growing, 0);
        read.run();
        assertEquals(List.of(1L), positions(read.rows()));
        assertEquals(1, read.upTo());
    }

    private Move join(String lastEventId, String... channels) {
        Subscriber s = subscriptions.subscribe(List.of(), TestFormat.IDS, true, null);
        return Move.join(s, List.of(channels), lastEventId, null, Map.of());
    }

    private DurableResume resume(Move move, long after, long upTo, int maxRows) {
        return new DurableResume(move, after, upTo, 9, List.of(), table, completed, maxRows);
    }

    @Test
    void aResumeRoundReadsItsChannelsAfterTheClientsWatermarkUpToTheNewest() {
        commit(1, "a");
        commit(2, "b");
        commit(3, "a");
        commit(4, "other");
        DurableResume round = resume(join("x", "a", "b"), 1, 0, 100);
        round.run();
        assertSame(round, completed.poll());
        assertEquals(List.of(2L, 3L), positions(round.rows()));
        assertEquals(4, round.upTo());
        assertFalse(round.more());
        assertFalse(round.failed());
        assertTrue(round.first());
        assertNull(round.durableGap());
    }

    @Test
    void aResumeRoundNeverReadsBelowTheReleaseWatermarkItWasGiven() {
        commit(1, "a");
        DurableResume round = resume(join("x", "a"), 0, 7, 100);
        round.run();
        assertEquals(7, round.upTo(), "at least what was released when it began");
        assertEquals(List.of(1L), positions(round.rows()));
    }

    @Test
    void aClientWithEverythingReadsNoRows() {
        commit(1, "a");
        commit(2, "a");
        DurableResume round = resume(join("x", "a"), 2, 0, 100);
        round.run();
        assertEquals(List.of(), round.rows());
        assertEquals(0, table.batchReads);
        assertNull(round.durableGap(), "nothing read, nothing deleted");
        assertSame(round, completed.poll());
    }

    @Test
    void aRoundStopsAtItsRowBoundAndTheNextGoesOnFromThere() {
        for (long p = 1; p <= 5; p++) {
            commit(p, "a");
        }
        table.batchRows = 2;
        DurableResume round = resume(join("x", "a"), 0, 0, 2);
        round.run();
        assertEquals(List.of(1L, 2L), positions(round.rows()));
        assertTrue(round.more());
        assertEquals(2, round.upTo(), "this round covers what it read");

        DurableResume next = round.next(1, 12);
        assertFalse(next.first());
        assertEquals(2, next.after);
        assertEquals(12, next.sequence);
        assertNull(next.replays);
        next.run();
        assertEquals(List.of(3L, 4L), positions(next.rows()));
        assertTrue(next.more());
        DurableResume last = next.next(-1, 13);
        last.run();
        assertEquals(List.of(5L), positions(last.rows()));
        assertFalse(last.more());
        assertEquals(5, last.upTo());
        assertNull(last.durableGap(), "only the first round tells of a gap");
    }

    @Test
    void aRoundThatReadAllThereIsAtItsBoundHasNoMore() {
        commit(1, "a");
        commit(2, "a");
        DurableResume round = resume(join("x", "a"), 0, 0, 2);
        round.run();
        assertEquals(List.of(1L, 2L), positions(round.rows()));
        assertFalse(round.more());
    }

    @Test
    void aRoundStopsAtItsByteBound() {
        String big = "x".repeat((int) (DurableResume.MAX_BYTES / 2));
        for (long p = 1; p <= 3; p++) {
            table.insert(p, "a", big);
            table.commit();
        }
        table.batchRows = 1;
        DurableResume round = resume(join("x", "a"), 0, 0, 100);
        round.run();
        assertEquals(List.of(1L, 2L), positions(round.rows()));
        assertTrue(round.more());
    }

    @Test
    void aFirstRoundFromBeforeTheOldestRowKeptIsARetentionGap() {
        commit(5, "a");
        commit(6, "a");
        DurableResume round = resume(join("x", "a"), 3, 0, 100);
        round.run();
        assertEquals(GapNotice.RETENTION, round.durableGap());
        DurableResume justBefore = resume(join("x", "a"), 4, 0, 100);
        justBefore.run();
        assertNull(justBefore.durableGap(), "row 5 follows the client's 4: nothing deleted between");
    }

    @Test
    void aFailedRoundHasNoRowsAndIsStillHandedOver() {
        commit(1, "a");
        table.failing = true;
        DurableResume round = resume(join("x", "a"), 0, 0, 100);
        round.run();
        assertTrue(round.failed());
        assertFalse(round.more());
        assertEquals(List.of(), round.rows());
        assertSame(round, completed.poll());
    }

    @Test
    void aRefusedRoundIsFailedAndHandedOverWithoutReading() {
        DurableResume round = resume(join("x", "a"), 0, 0, 100);
        round.refuse();
        assertTrue(round.failed());
        assertSame(round, completed.poll());
        assertEquals(0, table.batchReads);
    }

    @Test
    void theNextRoundNeverStartsBelowWhatTheLastCovered() {
        DurableResume round = resume(join("x", "a"), 10, 4, 100);
        DurableResume next = round.next(3, 1);
        assertEquals(10, next.after, "the client's watermark is above what the round covered");
        assertEquals(3, next.upTo());
    }

    @Test
    void aRoundOverAnEmptyTableReadsNoBatchAndIsNoRetentionGap() {
        DurableResume round = resume(join("x", "a"), 0, 0, 100);
        round.run();
        assertEquals(List.of(), round.rows());
        assertEquals(0, table.batchReads);
        assertNull(round.durableGap(), "a client with nothing durable missed nothing durable");
    }

    @Test
    void everyChannelOfTheMoveIsReadAboveTheClientsWatermark() {
        List<Floor> asked = new ArrayList<>();
        FakeTable recording = new FakeTable() {
            @Override
            public List<DurableRow> batch(List<Floor> channels, long after, long upTo) {
                asked.addAll(channels);
                return super.batch(channels, after, upTo);
            }
        };
        recording.insert(1, "a", "p1");
        recording.insert(2, "b", "p2");
        recording.commit();
        DurableResume round = new DurableResume(join("x", "a", "b"), 0, 0, 0, List.of(), recording,
                new ConcurrentLinkedQueue<>(), 100);
        round.run();
        assertEquals(List.of(new Floor("a", 0), new Floor("b", 0)), asked.subList(0, 2));
    }
}
