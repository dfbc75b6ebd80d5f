package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import pgeventserv.postgres.DurableEvent;
import pgeventserv.postgres.DurableReference;
import pgeventserv.postgres.Gap;

/** Durable events in the fan-out, with a table in memory and reads run when the test says: no server, no database. */
class DurableDeliveryTest {

    /** pg_eventserv.events in memory; reads fail while {@link #failing}. */
    static final class FakeTable implements DurableReader {
        final List<DurableEvent> rows = new ArrayList<>();
        volatile boolean failing;
        int betweenReads;
        int referenceReads;
        /** Rows a batch holds at most. */
        int batchRows = Integer.MAX_VALUE;

        void insert(long position, String channel, String payload) {
            rows.add(new DurableEvent(position, channel, payload, Instant.EPOCH));
        }

        @Override
        public List<DurableEvent> read(DurableReference reference) {
            check();
            referenceReads++;
            return rows.stream().filter(r -> r.position() >= reference.first() && r.position() <= reference.last())
                    .sorted(Comparator.comparingLong(DurableEvent::position)).toList();
        }

        @Override
        public List<DurableEvent> batch(Collection<String> channels, long after, long upTo) {
            check();
            betweenReads++;
            return rows.stream().filter(r -> channels.contains(r.channel()) && r.position() > after
                    && r.position() <= upTo).sorted(Comparator.comparingLong(DurableEvent::position))
                    .limit(batchRows).toList();
        }

        @Override
        public boolean absent() {
            return false;
        }

        @Override
        public OptionalLong oldestPosition() {
            check();
            return rows.stream().mapToLong(DurableEvent::position).min();
        }

        @Override
        public OptionalLong newestPosition() {
            check();
            return rows.stream().mapToLong(DurableEvent::position).max();
        }

        private void check() {
            if (failing) {
                throw new IllegalStateException("relation \"pg_eventserv.events\" does not exist");
            }
        }
    }

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final EventIds ids = new EventIds("run");
    private final FakeTable table = new FakeTable();
    /** Reads wait here until the test runs them. */
    private final ArrayDeque<Runnable> reads = new ArrayDeque<>();
    private final Registry registry = new Registry(new Limits(10_000, 1 << 24),
            new HistoryLimits(100, 1 << 20, Duration.ofMinutes(5)), 1_000, c -> CompletableFuture.completedFuture(null),
            c -> { }, scheduler, 60_000);
    private Fanout fanout = new Fanout(registry, ids, table, reads::add, 0);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private FakeWriter open(List<String> channels, String lastEventId) {
        FakeWriter writer = new FakeWriter(TestFormat.IDS, false);
        registry.subscribe(channels, TestFormat.IDS, channels.size() > 1, lastEventId).attach(writer);
        fanout.pollCompleted();
        // A new channel's LISTEN reads where its durable continuity starts: done at once here; the resume's read
        // and the references' wait for the test.
        reads.removeIf(r -> {
            if (r instanceof DurableResume || r instanceof DurableRead) {
                return false;
            }
            r.run();
            return true;
        });
        return writer;
    }

    /** Rows committed by one transaction on the channel, and the NOTIFY that says so. */
    private void publish(String channel, long first, long last) {
        for (long p = first; p <= last; p++) {
            table.insert(p, channel, "durable " + p);
        }
        fanout.deliver(channel, new DurableReference(first, last).payload());
    }

    private void runReads() {
        for (Runnable r; (r = reads.poll()) != null; ) {
            r.run();
        }
    }

    /** Reads done, then two polls: a resume read is let in one poll after it is back. */
    private void readAndPoll() {
        runReads();
        fanout.pollCompleted();
        fanout.pollCompleted();
    }

    private static List<String> payloads(FakeWriter w) {
        return w.received().stream().map(m -> m.startsWith("gap:") || m.startsWith("subscribed") || m.startsWith("unsubscribed")
                ? m : m.substring(m.indexOf(' ') + 1)).toList();
    }

    private static List<String> idsOf(FakeWriter w) {
        return w.received().stream().filter(m -> !m.startsWith("gap:")).map(m -> m.substring(0, m.indexOf(' '))).toList();
    }

    @Test
    void plainNotificationsWaitBehindADurableEventOfTheirChannel() {
        FakeWriter c = open(List.of("c"), null);
        FakeWriter other = open(List.of("other"), null);
        publish("c", 1, 1);
        fanout.deliver("c", "plain after");
        fanout.deliver("other", "not held");
        fanout.pollCompleted();
        assertEquals(List.of(), c.received(), "the durable event is being read; what came after waits");
        assertEquals(List.of("not held"), payloads(other));
        runReads();
        fanout.pollCompleted();
        assertEquals(List.of("durable 1", "plain after"), payloads(c));
        fanout.deliver("c", "live");
        fanout.pollCompleted();
        assertEquals(List.of("durable 1", "plain after", "live"), payloads(c));
    }

    @Test
    void durableEventsAreReleasedInPositionOrderWhicheverReadEndsFirst() {
        FakeWriter both = open(List.of("a", "b"), null);
        FakeWriter b = open(List.of("b"), null);
        publish("a", 1, 1);
        publish("b", 2, 2);
        Runnable readA = reads.poll();
        reads.poll().run();
        fanout.pollCompleted();
        assertEquals(List.of(), b.received(), "position 2 waits for position 1");
        readA.run();
        fanout.pollCompleted();
        assertEquals(List.of("durable 1", "durable 2"), payloads(both));
        assertEquals(List.of("durable 2"), payloads(b));
        assertEquals(2, fanout.watermark());
    }

    @Test
    void aTransactionOnTwoChannelsIsDeliveredInPositionOrder() {
        FakeWriter both = open(List.of("a", "b"), null);
        table.insert(1, "a", "a1");
        table.insert(2, "b", "b2");
        table.insert(3, "a", "a3");
        table.insert(4, "b", "b4");
        fanout.deliver("a", new DurableReference(1, 3).payload());
        fanout.deliver("b", new DurableReference(2, 4).payload());
        reads.poll().run();
        fanout.pollCompleted();
        assertEquals(List.of("a1", "b2", "a3"), payloads(both), "the first read has every channel's rows of its range");
        runReads();
        fanout.pollCompleted();
        assertEquals(List.of("a1", "b2", "a3", "b4"), payloads(both));
        assertEquals(2, table.referenceReads);
    }

    @Test
    void durableIdsAreTheirPositionAndPlainIdsCarryTheWatermark() {
        FakeWriter c = open(List.of("c"), null);
        fanout.deliver("c", "before");
        publish("c", 7, 7);
        fanout.deliver("c", "after");
        runReads();
        fanout.pollCompleted();
        List<String> got = idsOf(c);
        assertEquals("d7", got.get(1));
        assertTrue(got.get(0).startsWith("run.") && got.get(0).endsWith(".0"), got.get(0));
        assertTrue(got.get(2).endsWith(".7"), got.get(2));
        assertEquals(7, EventIds.watermark(got.get(2)));
        assertTrue(got.stream().allMatch(id -> id.length() <= EventIds.MAX_LENGTH));
    }

    @Test
    void theDurablePayloadIsDeliveredAsStoredEvenPastNotifysLimit() {
        FakeWriter c = open(List.of("c"), null);
        String large = "x".repeat(100_000) + "é";
        table.insert(1, "c", large);
        fanout.deliver("c", new DurableReference(1, 1).payload());
        runReads();
        fanout.pollCompleted();
        assertEquals(List.of(large), payloads(c));
    }

    @Test
    void aFailingReadIsAGapAndDeliveryGoesOn() {
        FakeWriter c = open(List.of("c"), null);
        table.failing = true;
        publish("c", 1, 1);
        fanout.deliver("c", "plain");
        runReads();
        fanout.pollCompleted();
        table.failing = false;
        publish("c", 2, 2);
        runReads();
        fanout.pollCompleted();
        assertEquals(List.of("gap:unknown:c", "plain", "durable 2"), payloads(c));
    }

    @Test
    void withoutAReaderAReferenceIsAGapAndPlainNotificationsGoOn() {
        fanout = new Fanout(registry, ids);
        FakeWriter c = open(List.of("c"), null);
        fanout.deliver("c", new DurableReference(1, 1).payload());
        fanout.deliver("c", "plain");
        fanout.pollCompleted();
        assertEquals(List.of("gap:unknown:c", "plain"), payloads(c));
        assertTrue(idsOf(c).get(0).matches("run\\.\\d+"), "no watermark while durable events are off: " + idsOf(c));
    }

    @Test
    void aResumeFromADurableIdWithinHistoryNeedsNoReadAndHasNoGap() {
        FakeWriter first = open(List.of("c"), null);
        publish("c", 1, 3);
        fanout.deliver("c", "plain");
        runReads();
        fanout.pollCompleted();
        FakeWriter back = open(List.of("c"), "d1");
        assertEquals(List.of("durable 2", "durable 3", "plain"), payloads(back));
        assertEquals(0, table.betweenReads);
        assertEquals(4, first.received().size());
    }

    @Test
    void aResumeFromAnotherRunsIdGetsTheTableThenHistoryExactlyOnceInOrder() {
        for (long p = 1; p <= 5; p++) {
            table.insert(p, "c", "durable " + p);
        }
        table.insert(4, "elsewhere", "not this channel");
        fanout = new Fanout(registry, ids, table, reads::add, 5);
        FakeWriter back = open(List.of("c"), "another-run.7.2");
        assertEquals(List.of(), back.received(), "waits for the read");
        Runnable resumeRead = reads.poll();
        publish("c", 6, 6);
        fanout.deliver("c", "plain 7");
        runReads();
        fanout.pollCompleted();
        assertEquals(List.of(), back.received(), "still waits: released events go to history meanwhile");
        resumeRead.run();
        fanout.deliver("c", "live");
        fanout.pollCompleted();
        fanout.pollCompleted();
        assertEquals(List.of("gap:unknown:c", "durable 3", "durable 4", "durable 5", "durable 6", "plain 7", "live"),
                payloads(back));
        assertEquals(List.of("d3", "d4", "d5", "d6"), idsOf(back).subList(0, 4));
    }

    @Test
    void aResumeReadBackBeforeAnOlderReferenceIsReleasedWaitsForItAndGetsItOnce() {
        table.insert(1, "c", "durable 1");
        fanout = new Fanout(registry, ids, table, reads::add, 1);
        FakeWriter back = open(List.of("c"), "other.3.0");
        publish("c", 2, 2);
        Runnable resumeRead = reads.poll();
        resumeRead.run();
        fanout.pollCompleted();
        fanout.pollCompleted();
        assertEquals(List.of(), back.received(), "position 2 was read by the resume but is not released yet");
        runReads();
        fanout.pollCompleted();
        fanout.deliver("c", "live");
        fanout.pollCompleted();
        assertEquals(List.of("gap:unknown:c", "durable 1", "durable 2", "live"), payloads(back));
    }

    @Test
    void aResumeOnAChannelNotYetListenedGetsWhatWasCommittedMeanwhileFromTheTable() {
        FakeWriter back = open(List.of("quiet"), "d1");
        table.insert(1, "quiet", "durable 1");
        table.insert(2, "quiet", "committed while nobody listened");
        readAndPoll();
        assertEquals(List.of("gap:unknown:quiet", "committed while nobody listened"), payloads(back));
    }

    @Test
    void aResumeFromADurableIdThatHistoryNoLongerHoldsReadsTheTable() {
        table.insert(1, "c", "durable 1");
        table.insert(2, "c", "durable 2");
        fanout = new Fanout(registry, ids, table, reads::add, 2);
        FakeWriter back = open(List.of("c"), "d1");
        readAndPoll();
        assertEquals(List.of("gap:unknown:c", "durable 2"), payloads(back));
    }

    @Test
    void aResumeOlderThanTheRetentionIsARetentionGap() {
        for (long p = 10; p <= 12; p++) {
            table.insert(p, "c", "durable " + p);
        }
        fanout = new Fanout(registry, ids, table, reads::add, 12);
        FakeWriter back = open(List.of("c"), "d3");
        readAndPoll();
        assertEquals(List.of("gap:retention:c", "durable 10", "durable 11", "durable 12"), payloads(back));
    }

    @Test
    void aFailedResumeReadIsAGapThenHistory() {
        fanout = new Fanout(registry, ids, table, reads::add, 3);
        table.failing = true;
        FakeWriter back = open(List.of("c"), "d1");
        runReads();
        fanout.deliver("c", "live");
        fanout.pollCompleted();
        fanout.pollCompleted();
        assertEquals(List.of("gap:unknown:c", "live"), payloads(back));
    }

    @Test
    void aSessionsLaterMovesWaitForItsResume() {
        fanout = new Fanout(registry, ids, table, reads::add, 3);
        table.insert(2, "c", "durable 2");
        FakeWriter session = new FakeWriter(TestFormat.IDS, false);
        Subscriber s = registry.subscribe(List.of(), TestFormat.IDS, true, null);
        s.attach(session);
        s.join("c", "d1", Frame.of("subscribed c"));
        fanout.pollCompleted();
        s.leave("c", Frame.of("unsubscribed c"));
        fanout.pollCompleted();
        assertEquals(List.of(), session.received());
        readAndPoll();
        assertEquals(List.of("subscribed c", "gap:unknown:c", "durable 2", "unsubscribed c"), payloads(session));
    }

    @Test
    void withoutTheTableAResumeOlderThanHistoryGetsWhatHistoryHoldsAsBefore() {
        Registry small = new Registry(new Limits(10_000, 1 << 24), new HistoryLimits(2, 1 << 20, Duration.ofMinutes(5)),
                1_000, c -> CompletableFuture.completedFuture(null), c -> { }, scheduler, 60_000);
        fanout = new Fanout(small, ids, table, reads::add, 0);
        table.failing = true;
        FakeWriter first = new FakeWriter(TestFormat.IDS, false);
        small.subscribe(List.of("c"), TestFormat.IDS, false, null).attach(first);
        fanout.pollCompleted();
        for (String p : List.of("1", "2", "3", "4")) {
            fanout.deliver("c", p);
        }
        fanout.pollCompleted();
        FakeWriter back = new FakeWriter(TestFormat.IDS, false);
        small.subscribe(List.of("c"), TestFormat.IDS, false, idsOf(first).get(0)).attach(back);
        fanout.pollCompleted();
        fanout.deliver("c", "5");
        runReads();
        fanout.pollCompleted();
        fanout.pollCompleted();
        assertEquals(List.of("gap:history:c", "3", "4", "5"), payloads(back));
    }

    @Test
    void plainIdsCarryNoWatermarkUntilTheFirstDurableEventIsReleased() {
        fanout = new Fanout(registry, ids, table, reads::add, EventIds.UNKNOWN);
        FakeWriter c = open(List.of("c"), null);
        fanout.deliver("c", "before");
        fanout.pollCompleted();
        publish("c", 4, 4);
        fanout.deliver("c", "after");
        runReads();
        fanout.pollCompleted();
        List<String> got = idsOf(c);
        assertTrue(got.get(0).matches("run\\.\\d+"), got.get(0));
        assertEquals("d4", got.get(1));
        assertEquals(4, EventIds.watermark(got.get(2)));
    }

    @Test
    void aTransactionsReferencesArrivingInDifferentPollsAreDeliveredOnceInPositionOrder() {
        FakeWriter both = open(List.of("a", "b"), null);
        table.insert(1, "a", "a1");
        table.insert(2, "b", "b2");
        table.insert(3, "a", "a3");
        fanout.deliver("a", new DurableReference(1, 3).payload());
        readAndPoll();
        fanout.deliver("b", new DurableReference(2, 2).payload());
        readAndPoll();
        assertEquals(List.of("a1", "b2", "a3"), payloads(both));
    }

    @Test
    void durableEventsCommittedDuringAListenOutageAreCaughtUpFromTheTableAfterTheGap() {
        FakeWriter c = open(List.of("c"), null);
        publish("c", 1, 1);
        readAndPoll();
        table.insert(2, "c", "durable 2");
        table.insert(3, "c", "durable 3");
        fanout.gap(new Gap(Instant.EPOCH, Instant.EPOCH));
        publish("c", 3, 3);
        publish("c", 4, 4);
        readAndPoll();
        assertEquals(List.of("durable 1", "gap:outage:c", "durable 2", "durable 3", "durable 4"), payloads(c));
    }

    @Test
    void aResumeFarBehindIsReadInBoundedRoundsThenGoesLive() {
        for (long p = 1; p <= 20; p++) {
            table.insert(p, "c", "durable " + p);
        }
        fanout = new Fanout(registry, ids, table, reads::add, 20);
        fanout.resumeRows = 3;
        table.batchRows = 2;
        FakeWriter back = open(List.of("c"), "d5");
        for (int i = 0; i < 20 && (fanout.resuming() || !reads.isEmpty()); i++) {
            readAndPoll();
        }
        publish("c", 21, 21);
        readAndPoll();
        List<String> expected = new ArrayList<>(List.of("gap:unknown:c"));
        for (long p = 6; p <= 21; p++) {
            expected.add("durable " + p);
        }
        assertEquals(expected, payloads(back));
        assertTrue(table.betweenReads > 3, "several rounds");
    }

    @Test
    void aResumeOvertakenByHistoryEvictionWhileReadingGoesOnFromTheTable() {
        Registry small = new Registry(new Limits(10_000, 1 << 24), new HistoryLimits(2, 1 << 20, Duration.ofMinutes(5)),
                1_000, c -> CompletableFuture.completedFuture(null), c -> { }, scheduler, 60_000);
        fanout = new Fanout(small, ids, table, reads::add, 0);
        FakeWriter stays = new FakeWriter(TestFormat.IDS, false);
        small.subscribe(List.of("c"), TestFormat.IDS, false, null).attach(stays);
        fanout.pollCompleted();
        runReads();
        table.insert(1, "c", "durable 1");
        FakeWriter back = new FakeWriter(TestFormat.IDS, false);
        small.subscribe(List.of("c"), TestFormat.IDS, false, "elsewhere.9.0").attach(back);
        fanout.pollCompleted();
        Runnable resumeRead = reads.poll();
        resumeRead.run();
        for (long p = 2; p <= 6; p++) {
            publish("c", p, p);
            runReads();
            fanout.pollCompleted();
        }
        for (int i = 0; i < 10 && (fanout.resuming() || !reads.isEmpty()); i++) {
            readAndPoll();
        }
        assertEquals(List.of("gap:unknown:c", "durable 1", "durable 2", "durable 3", "durable 4", "durable 5", "durable 6"),
                payloads(back));
    }

    @Test
    void aTransactionOnManyChannelsIsReadOnceWhicheverReferenceComesFirst() {
        FakeWriter all = open(List.of("a", "b", "c"), null);
        table.insert(1, "a", "a1");
        table.insert(2, "b", "b2");
        table.insert(3, "c", "c3");
        table.insert(4, "a", "a4");
        fanout.deliver("a", new DurableReference(1, 4).payload());
        fanout.deliver("b", new DurableReference(2, 2).payload());
        fanout.deliver("c", new DurableReference(3, 3).payload());
        readAndPoll();
        assertEquals(List.of("a1", "b2", "c3", "a4"), payloads(all));
        assertEquals(1, table.referenceReads);
    }
}
