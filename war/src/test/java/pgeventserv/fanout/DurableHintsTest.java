package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static pgeventserv.fanout.DurableHarness.idsOf;
import static pgeventserv.fanout.DurableHarness.payloads;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A durable hint is a hint, not a fact; an outage is caught up for all channels at once; a read that does not come
 * back holds nothing for long; resumes never hold up live reads.
 */
class DurableHintsTest {

    private final DurableHarness h = new DurableHarness();

    @Test
    void aForgedHintDeliversNothingMovesNoWatermarkAndStopsNothing() {
        FakeWriter c = h.open(List.of("c"), null);
        h.publish("c", 1, 1);
        h.readAndPoll();
        h.fanout.deliver(Notification.durable("c", 1, 999_999_999_999_999_999L, FakeTable.PUBLISHER));
        h.fanout.deliver(Notification.durable("c", 2, 999_999_999_999_999_999L, FakeTable.PUBLISHER));
        h.plain("c", "plain after the forgery");
        h.readAndPoll();
        assertEquals(1, h.fanout.watermark(), "the forgery moved nothing");
        h.publish("c", 2, 2);
        h.plain("c", "plain");
        h.readAndPoll();
        assertEquals(List.of("durable 1", "plain after the forgery", "durable 2", "plain"), payloads(c));
        assertTrue(idsOf(c).get(1).endsWith(".1"), "a plain id carries the true watermark: " + idsOf(c));
        assertEquals(2, h.subscriptions.counters().referencesIgnored());
        assertEquals(2, h.fanout.watermark());
    }

    @Test
    void aHintNamingAnotherChannelsRowDeliversNothing() {
        h.open(List.of("a"), null);
        FakeWriter b = h.open(List.of("b"), null);
        h.table.insert(1, "b", "b's row");
        h.table.commit();
        h.fanout.deliver(Notification.durable("a", 1, 1, FakeTable.PUBLISHER));
        h.readAndPoll();
        assertEquals(List.of(), payloads(b));
        assertEquals(1, h.subscriptions.counters().referencesIgnored());
        h.fanout.deliver(Notification.durable("b", 1, 1, FakeTable.PUBLISHER));
        h.readAndPoll();
        assertEquals(List.of("b's row"), payloads(b), "its own hint delivers it");
    }

    @Test
    void aHintSpanningTwoTransactionsDeliversNothing() {
        FakeWriter c = h.open(List.of("c"), null);
        h.table.insert(1, "c", "one");
        h.table.commit();
        h.table.insert(2, "c", "two");
        h.table.commit();
        h.fanout.deliver(Notification.durable("c", 1, 2, FakeTable.PUBLISHER));
        h.readAndPoll();
        assertEquals(List.of(), payloads(c));
        assertEquals(0, h.fanout.watermark(), "nothing released");
        assertEquals(1, h.subscriptions.counters().referencesIgnored());
    }

    @Test
    void durableEventsCommittedDuringAnOutageOnSeveralChannelsAreCaughtUpAndLaterHintsStillDeliver() {
        FakeWriter a = h.open(List.of("a"), null);
        FakeWriter b = h.open(List.of("b"), null);
        h.publish("a", 1, 1);
        h.readAndPoll();
        h.table.insert(2, "a", "durable 2");
        h.table.commit();
        h.fanout.outage(new Outage(Instant.EPOCH, Instant.EPOCH));
        h.runLiveReads();
        h.table.insert(3, "a", "durable 3");
        h.table.commit();
        h.fanout.pollEnded();
        // a3's hint comes one poll after the catch-up was released.
        h.fanout.deliver(Notification.durable("a", 3, 3, FakeTable.PUBLISHER));
        h.readAndPoll();
        assertEquals(List.of("durable 1", "gap:outage:a", "durable 2", "durable 3"), payloads(a));
        assertEquals(List.of("gap:outage:b"), payloads(b));
    }

    @Test
    void oneCatchUpReadsEveryChannelFromOneSnapshot() {
        List<FakeWriter> writers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            writers.add(h.open(List.of("ch" + i), null));
        }
        h.publish("ch0", 1, 1);
        h.readAndPoll();
        h.table.insert(2, "ch0", "during");
        h.table.insert(3, "ch9", "during");
        h.table.commit();
        int batches = h.table.batchReads;
        h.fanout.outage(new Outage(Instant.EPOCH, Instant.EPOCH));
        assertEquals(1, h.liveReads.size(), "one read for every channel");
        h.readAndPoll();
        assertEquals(1, h.table.waitingReads, "one question: which channels wait");
        assertEquals(1, h.table.batchReads - batches, "one batch of rows for all of them");
        assertEquals(List.of("durable 1", "gap:outage:ch0", "during"), payloads(writers.get(0)));
        assertEquals(List.of("gap:outage:ch9", "during"), payloads(writers.get(9)));
        assertEquals(3, h.fanout.watermark());
    }

    @Test
    void afterAnOutageOnlyChannelsWithRowsToCatchUpHoldTheirNotifications() {
        FakeWriter waits = h.open(List.of("waits"), null);
        FakeWriter free = h.open(List.of("free"), null);
        h.publish("waits", 1, 1);
        h.readAndPoll();
        h.table.insert(2, "waits", "during");
        h.table.commit();
        h.fanout.outage(new Outage(Instant.EPOCH, Instant.EPOCH));
        h.plain("free", "free 1");
        h.plain("waits", "waits 1");
        h.fanout.pollEnded();
        assertEquals(List.of("gap:outage:free"), payloads(free), "held while nobody knows which channels wait");
        // The read learns which channels wait, then takes its time over their rows.
        CountDownLatch rows = new CountDownLatch(1);
        h.table.batchesWait = rows;
        CatchUpRead catchUp = (CatchUpRead) h.liveReads.poll();
        Thread read = new Thread(catchUp);
        read.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (catchUp.waiting() == null && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        h.plain("free", "free 2");
        h.plain("waits", "waits 2");
        h.fanout.pollEnded();
        assertEquals(List.of("gap:outage:free", "free 1", "free 2"), payloads(free));
        assertEquals(List.of("durable 1", "gap:outage:waits"), payloads(waits), "waits for its rows");
        rows.countDown();
        joinQuietly(read);
        h.readAndPoll();
        assertEquals(List.of("durable 1", "gap:outage:waits", "during", "waits 1", "waits 2"), payloads(waits));
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aReadNotBackInTimeIsGivenUpWithAGapAndItsChannelGoesOn() {
        DurableHarness quick = new DurableHarness(100, DurableResume.MAX_ROWS, 0);
        FakeWriter c = quick.open(List.of("c"), null);
        quick.publish("c", 1, 1);
        quick.plain("c", "plain");
        Runnable late = quick.liveReads.poll();
        quick.fanout.pollEnded();
        assertEquals(List.of("gap:unknown:c", "plain"), payloads(c));
        assertEquals(1, quick.subscriptions.counters().durableGaps());
        late.run();
        quick.fanout.pollEnded();
        quick.publish("c", 2, 2);
        quick.readAndPoll();
        assertEquals(List.of("gap:unknown:c", "plain", "durable 2"), payloads(c), "a late answer is not delivered");
    }

    @Test
    void aChannelHoldingTooManyNotificationsGivesUpItsReadRatherThanHoldMore() {
        FakeWriter c = h.open(List.of("c"), null);
        h.publish("c", 1, 1);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i <= HeldNotifications.MAX_PER_CHANNEL; i++) {
            sent.add("n" + i);
            h.plain("c", "n" + i);
        }
        h.fanout.pollEnded();
        List<String> got = payloads(c);
        assertEquals("gap:unknown:c", got.get(0));
        assertEquals(sent, got.subList(1, got.size()), "every notification, in order");
    }

    @Test
    void liveHintsAreReadWhileAResumeRoundIsStillReading() {
        FakeWriter live = h.open(List.of("c"), null);
        h.table.insert(1, "c", "old");
        h.table.commit();
        FakeWriter resuming = new FakeWriter(TestFormat.IDS, false);
        h.subscriptions.subscribe(List.of("c"), TestFormat.IDS, false, "elsewhere.5.0").attach(resuming);
        h.fanout.pollEnded();
        assertEquals(1, h.resumeReads.size(), "the resume reads the table");
        h.publish("c", 2, 2);
        h.runLiveReads();
        h.fanout.pollEnded();
        assertEquals(List.of("durable 2"), payloads(live), "not held up by the resume still reading");
        assertEquals(List.of(), payloads(resuming), "delivered while the resume's read has not run");
        h.settle();
        assertEquals(List.of("gap:unknown:c", "old", "durable 2"), payloads(resuming));
    }

    @Test
    void aHintNamingAnotherSessionsRowsDeliversNothingEvenBeforeTheirOwnHint() {
        FakeWriter c = h.open(List.of("c"), null);
        for (long p = 1; p <= 3; p++) {
            h.table.insert(p, "c", "durable " + p);
            h.table.commit();
        }
        // A session that guessed the third transaction's position names it before the true hints arrive.
        h.fanout.deliver(Notification.durable("c", 3, 3, 666));
        h.readAndPoll();
        for (long p = 1; p <= 3; p++) {
            h.fanout.deliver(Notification.durable("c", p, p, FakeTable.PUBLISHER));
        }
        h.readAndPoll();
        assertEquals(List.of("durable 1", "durable 2", "durable 3"), payloads(c));
        assertEquals(1, h.subscriptions.counters().referencesIgnored());
    }
}
