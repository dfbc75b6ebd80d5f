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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Durable events in the fan-out, with a table in memory and reads run when the test says: no server, no database. */
class DurableDeliveryTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final EventIds ids = new EventIds("run");
    private final FakeTable table = new FakeTable();
    /** Reads wait here until the test runs them. */
    private final ArrayDeque<Runnable> reads = new ArrayDeque<>();
    private final Subscriptions registry = new Subscriptions(new Limits(10_000, 1 << 24),
            new HistoryLimits(100, 1 << 20, Duration.ofMinutes(5)), 1_000, 10_000, c -> CompletableFuture.completedFuture(null),
            c -> { }, TimeUnit.MILLISECONDS.toNanos(60_000));
    private Fanout fanout = new Fanout(registry, ids, table, reads::add, table, reads::add, 0);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private FakeWriter open(List<String> channels, String lastEventId) {
        FakeWriter writer = new FakeWriter(TestFormat.IDS, false);
        registry.subscribe(channels, TestFormat.IDS, channels.size() > 1, lastEventId).attach(writer);
        fanout.pollEnded();
        // A new channel's LISTEN reads where its durable continuity starts: done at once here; the resume's read
        // and the references' wait for the test.
        reads.removeIf(r -> {
            if (r instanceof DurableResume || r instanceof PendingRead) {
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
        table.commit();
        fanout.deliver(Notification.durable(channel, first, last, FakeTable.PUBLISHER));
    }

    private void runReads() {
        for (Runnable r; (r = reads.poll()) != null; ) {
            r.run();
        }
    }

    /** Reads done, then two polls: a resume read is let in one poll after it is back. */
    private void readAndPoll() {
        runReads();
        fanout.pollEnded();
        fanout.pollEnded();
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
        fanout.deliver(Notification.plain("c", "plain after"));
        fanout.deliver(Notification.plain("other", "not held"));
        fanout.pollEnded();
        assertEquals(List.of(), c.received(), "the durable event is being read; what came after waits");
        assertEquals(List.of("not held"), payloads(other));
        runReads();
        fanout.pollEnded();
        assertEquals(List.of("durable 1", "plain after"), payloads(c));
        fanout.deliver(Notification.plain("c", "live"));
        fanout.pollEnded();
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
        fanout.pollEnded();
        assertEquals(List.of(), b.received(), "position 2 waits for position 1");
        readA.run();
        fanout.pollEnded();
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
        fanout.deliver(Notification.durable("a", 1, 3, FakeTable.PUBLISHER));
        fanout.deliver(Notification.durable("b", 2, 4, FakeTable.PUBLISHER));
        reads.poll().run();
        fanout.pollEnded();
        assertEquals(List.of("a1", "b2", "a3"), payloads(both), "the first read has every channel's rows of its range");
        runReads();
        fanout.pollEnded();
        assertEquals(List.of("a1", "b2", "a3", "b4"), payloads(both));
        assertEquals(2, table.transactionReads);
    }

    @Test
    void durableIdsAreTheirPositionAndPlainIdsCarryTheWatermark() {
        FakeWriter c = open(List.of("c"), null);
        fanout.deliver(Notification.plain("c", "before"));
        publish("c", 7, 7);
        fanout.deliver(Notification.plain("c", "after"));
        runReads();
        fanout.pollEnded();
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
        fanout.deliver(Notification.durable("c", 1, 1, FakeTable.PUBLISHER));
        runReads();
        fanout.pollEnded();
        assertEquals(List.of(large), payloads(c));
    }

    @Test
    void aFailingReadIsAGapAndDeliveryGoesOn() {
        FakeWriter c = open(List.of("c"), null);
        table.failing = true;
        publish("c", 1, 1);
        fanout.deliver(Notification.plain("c", "plain"));
        runReads();
        fanout.pollEnded();
        table.failing = false;
        publish("c", 2, 2);
        runReads();
        fanout.pollEnded();
        assertEquals(List.of("gap:unknown:c", "plain", "durable 2"), payloads(c));
    }

    @Test
    void withoutAReaderAHintIsIgnoredAndCountedAndPlainNotificationsGoOn() {
        fanout = new Fanout(registry, ids);
        FakeWriter c = open(List.of("c"), null);
        fanout.deliver(Notification.durable("c", 1, 1, FakeTable.PUBLISHER));
        fanout.deliver(Notification.plain("c", "plain"));
        fanout.pollEnded();
        assertEquals(List.of("plain"), payloads(c));
        assertEquals(1, registry.counters().referencesIgnored());
        assertTrue(idsOf(c).get(0).matches("run\\.\\d+"), "no watermark while durable events are off: " + idsOf(c));
    }

    @Test
    void aResumeFromADurableIdWithinHistoryNeedsNoReadAndHasNoGap() {
        FakeWriter first = open(List.of("c"), null);
        publish("c", 1, 3);
        fanout.deliver(Notification.plain("c", "plain"));
        runReads();
        fanout.pollEnded();
        FakeWriter back = open(List.of("c"), "d1");
        assertEquals(List.of("durable 2", "durable 3", "plain"), payloads(back));
        assertEquals(0, table.batchReads);
        assertEquals(4, first.received().size());
    }

    @Test
    void aFilteredResumeGetsTheTableAndHistoryRowsThatMatchInOrderThenLive() {
        for (long p = 1; p <= 6; p++) {
            table.insert(p, "c", "{\"tenant\":" + (p % 2 == 0 ? 7 : 8) + ",\"p\":" + p + "}");
        }
        fanout = new Fanout(registry, ids, table, reads::add, table, reads::add, 6);
        FakeWriter back = new FakeWriter(TestFormat.IDS, false);
        registry.subscribe(List.of("c"), TestFormat.IDS, false, "another-run.8.1",
                java.util.Map.of("c", pgeventserv.fanout.filter.Filter.parse(List.of("tenant=eq.7"), 10))).attach(back);
        fanout.pollEnded();
        runReads();
        fanout.pollEnded();
        fanout.pollEnded();
        fanout.deliver(Notification.plain("c", "{\"tenant\":8,\"p\":7}"));
        fanout.deliver(Notification.plain("c", "{\"tenant\":7,\"p\":8}"));
        fanout.pollEnded();
        assertEquals(List.of("gap:unknown:c", "{\"tenant\":7,\"p\":2}", "{\"tenant\":7,\"p\":4}",
                "{\"tenant\":7,\"p\":6}", "{\"tenant\":7,\"p\":8}"), payloads(back));
        assertEquals(List.of("d2", "d4", "d6"), idsOf(back).subList(0, 3), "ids keep their meaning");
    }

    @Test
    void aResumeFromAnotherRunsIdGetsTheTableThenHistoryExactlyOnceInOrder() {
        for (long p = 1; p <= 5; p++) {
            table.insert(p, "c", "durable " + p);
        }
        table.insert(4, "elsewhere", "not this channel");
        fanout = new Fanout(registry, ids, table, reads::add, table, reads::add, 5);
        FakeWriter back = open(List.of("c"), "another-run.7.2");
        assertEquals(List.of(), back.received(), "waits for the read");
        Runnable resumeRead = reads.poll();
        publish("c", 6, 6);
        fanout.deliver(Notification.plain("c", "plain 7"));
        runReads();
        fanout.pollEnded();
        assertEquals(List.of(), back.received(), "still waits: released events go to history meanwhile");
        resumeRead.run();
        fanout.deliver(Notification.plain("c", "live"));
        fanout.pollEnded();
        fanout.pollEnded();
        assertEquals(List.of("gap:unknown:c", "durable 3", "durable 4", "durable 5", "durable 6", "plain 7", "live"),
                payloads(back));
        assertEquals(List.of("d3", "d4", "d5", "d6"), idsOf(back).subList(0, 4));
    }

    @Test
    void aResumeReadBackBeforeAnOlderReferenceIsReleasedWaitsForItAndGetsItOnce() {
        table.insert(1, "c", "durable 1");
        fanout = new Fanout(registry, ids, table, reads::add, table, reads::add, 1);
        FakeWriter back = open(List.of("c"), "other.3.0");
        publish("c", 2, 2);
        Runnable resumeRead = reads.poll();
        resumeRead.run();
        fanout.pollEnded();
        fanout.pollEnded();
        assertEquals(List.of(), back.received(), "position 2 was read by the resume but is not released yet");
        runReads();
        fanout.pollEnded();
        fanout.deliver(Notification.plain("c", "live"));
        fanout.pollEnded();
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
        fanout = new Fanout(registry, ids, table, reads::add, table, reads::add, 2);
        FakeWriter back = open(List.of("c"), "d1");
        readAndPoll();
        assertEquals(List.of("gap:unknown:c", "durable 2"), payloads(back));
    }

    @Test
    void aResumeOlderThanTheRetentionIsARetentionGap() {
        for (long p = 10; p <= 12; p++) {
            table.insert(p, "c", "durable " + p);
        }
        fanout = new Fanout(registry, ids, table, reads::add, table, reads::add, 12);
        FakeWriter back = open(List.of("c"), "d3");
        readAndPoll();
        assertEquals(List.of("gap:retention:c", "durable 10", "durable 11", "durable 12"), payloads(back));
    }

    @Test
    void aFailedResumeReadIsAGapThenHistory() {
        fanout = new Fanout(registry, ids, table, reads::add, table, reads::add, 3);
        table.failing = true;
        FakeWriter back = open(List.of("c"), "d1");
        runReads();
        fanout.deliver(Notification.plain("c", "live"));
        fanout.pollEnded();
        fanout.pollEnded();
        assertEquals(List.of("gap:unknown:c", "live"), payloads(back));
    }

    @Test
    void aSessionsLaterMovesWaitForItsResume() {
        fanout = new Fanout(registry, ids, table, reads::add, table, reads::add, 3);
        table.insert(2, "c", "durable 2");
        FakeWriter session = new FakeWriter(TestFormat.IDS, false);
        Subscriber s = registry.subscribe(List.of(), TestFormat.IDS, true, null);
        s.attach(session);
        s.join("c", "d1", Frame.of("subscribed c"));
        fanout.pollEnded();
        s.leave("c", Frame.of("unsubscribed c"));
        fanout.pollEnded();
        assertEquals(List.of(), session.received());
        readAndPoll();
        assertEquals(List.of("subscribed c", "gap:unknown:c", "durable 2", "unsubscribed c"), payloads(session));
    }

    @Test
    void withoutTheTableAResumeOlderThanHistoryGetsWhatHistoryHoldsAsBefore() {
        Subscriptions small = new Subscriptions(new Limits(10_000, 1 << 24), new HistoryLimits(2, 1 << 20, Duration.ofMinutes(5)),
                1_000, 10_000, c -> CompletableFuture.completedFuture(null), c -> { }, TimeUnit.MILLISECONDS.toNanos(60_000));
        fanout = new Fanout(small, ids, table, reads::add, table, reads::add, 0);
        table.failing = true;
        FakeWriter first = new FakeWriter(TestFormat.IDS, false);
        small.subscribe(List.of("c"), TestFormat.IDS, false, null).attach(first);
        fanout.pollEnded();
        for (String p : List.of("1", "2", "3", "4")) {
            fanout.deliver(Notification.plain("c", p));
        }
        fanout.pollEnded();
        FakeWriter back = new FakeWriter(TestFormat.IDS, false);
        small.subscribe(List.of("c"), TestFormat.IDS, false, idsOf(first).get(0)).attach(back);
        fanout.pollEnded();
        fanout.deliver(Notification.plain("c", "5"));
        runReads();
        fanout.pollEnded();
        fanout.pollEnded();
        assertEquals(List.of("gap:history:c", "3", "4", "5"), payloads(back));
    }

    @Test
    void plainIdsCarryNoWatermarkUntilTheFirstDurableEventIsReleased() {
        fanout = new Fanout(registry, ids, table, reads::add, table, reads::add, EventIds.UNKNOWN);
        FakeWriter c = open(List.of("c"), null);
        fanout.deliver(Notification.plain("c", "before"));
        fanout.pollEnded();
        publish("c", 4, 4);
        fanout.deliver(Notification.plain("c", "after"));
        runReads();
        fanout.pollEnded();
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
        fanout.deliver(Notification.durable("a", 1, 3, FakeTable.PUBLISHER));
        readAndPoll();
        fanout.deliver(Notification.durable("b", 2, 2, FakeTable.PUBLISHER));
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
        fanout.outage(new Outage(Instant.EPOCH, Instant.EPOCH));
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
        fanout = new Fanout(registry, ids, table, reads::add, table, reads::add, 20, 3, DurableSequencer.HOLD_LIMIT_NANOS);
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
        assertTrue(table.batchReads > 3, "several rounds");
    }

    @Test
    void aResumeOvertakenByHistoryEvictionWhileReadingGoesOnFromTheTable() {
        Subscriptions small = new Subscriptions(new Limits(10_000, 1 << 24), new HistoryLimits(2, 1 << 20, Duration.ofMinutes(5)),
                1_000, 10_000, c -> CompletableFuture.completedFuture(null), c -> { }, TimeUnit.MILLISECONDS.toNanos(60_000));
        fanout = new Fanout(small, ids, table, reads::add, table, reads::add, 0);
        FakeWriter stays = new FakeWriter(TestFormat.IDS, false);
        small.subscribe(List.of("c"), TestFormat.IDS, false, null).attach(stays);
        fanout.pollEnded();
        runReads();
        table.insert(1, "c", "durable 1");
        FakeWriter back = new FakeWriter(TestFormat.IDS, false);
        small.subscribe(List.of("c"), TestFormat.IDS, false, "elsewhere.9.0").attach(back);
        fanout.pollEnded();
        Runnable resumeRead = reads.poll();
        resumeRead.run();
        for (long p = 2; p <= 6; p++) {
            publish("c", p, p);
            runReads();
            fanout.pollEnded();
        }
        for (int i = 0; i < 10 && (fanout.resuming() || !reads.isEmpty()); i++) {
            readAndPoll();
        }
        assertEquals(List.of("gap:unknown:c", "durable 1", "durable 2", "durable 3", "durable 4", "durable 5", "durable 6"),
                payloads(back));
    }

    @Test
    void aTransactionOnManyChannelsIsDeliveredOnceInPositionOrderWhicheverHintComesFirst() {
        FakeWriter all = open(List.of("a", "b", "c"), null);
        FakeWriter b = open(List.of("b"), null);
        table.insert(1, "a", "a1");
        table.insert(2, "b", "b2");
        table.insert(3, "c", "c3");
        table.insert(4, "a", "a4");
        fanout.deliver(Notification.durable("a", 1, 4, FakeTable.PUBLISHER));
        fanout.deliver(Notification.durable("b", 2, 2, FakeTable.PUBLISHER));
        fanout.deliver(Notification.durable("c", 3, 3, FakeTable.PUBLISHER));
        readAndPoll();
        assertEquals(List.of("a1", "b2", "c3", "a4"), payloads(all));
        assertEquals(List.of("b2"), payloads(b), "a transaction's rows of other channels go to those channels");
    }

    @Test
    void aHintWithinWhatWasReleasedIsNotReadAgain() {
        open(List.of("a", "b"), null);
        table.insert(1, "a", "a1");
        table.insert(2, "b", "b2");
        table.insert(3, "a", "a3");
        fanout.deliver(Notification.durable("a", 1, 3, FakeTable.PUBLISHER));
        readAndPoll();
        int reads = table.transactionReads;
        fanout.deliver(Notification.durable("b", 2, 2, FakeTable.PUBLISHER));
        readAndPoll();
        assertEquals(reads, table.transactionReads, "b's rows of that transaction were released with a's");
    }
}
