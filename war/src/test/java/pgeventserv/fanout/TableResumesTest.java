package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** Resumes read from the table: when a round starts, when the client joins, and what it is told on the way. */
class TableResumesTest {

    private final DurableHarness h = new DurableHarness();

    private Subscriber resume(FakeWriter writer, String channel, String lastEventId) {
        Subscriber s = h.subscriptions.subscribe(List.of(channel), TestFormat.IDS, false, lastEventId);
        s.attach(writer);
        h.fanout.pollEnded();
        return s;
    }

    @Test
    void aResumeThatReadsTheTableIsCountedAndItsClientWaitsNotYetAMember() {
        h.open(List.of("c"), null);
        h.table.insert(1, "c", "stored");
        h.table.commit();
        FakeWriter back = new FakeWriter(TestFormat.IDS, false);
        Subscriber s = resume(back, "c", "elsewhere.3.0");
        assertEquals(1, h.subscriptions.counters().resumeReads());
        assertEquals(1, h.resumeReads.size());
        assertTrue(h.fanout.resuming() || !h.resumeReads.isEmpty());
        assertEquals(List.of(), s.channels(), "not a member while its resume is read");
        h.plain("c", "meanwhile");
        h.fanout.pollEnded();
        assertEquals(List.of(), back.received());
        h.settle();
        assertEquals(List.of("gap:unknown:c", "stored", "meanwhile"), DurableHarness.payloads(back));
        assertEquals(List.of("c"), s.channels());
        assertFalse(h.fanout.resuming());
    }

    @Test
    void aClientGoneWhileItsResumeIsReadGivesItsChannelBack() {
        h.table.insert(1, "gone", "stored");
        h.table.commit();
        FakeWriter back = new FakeWriter(TestFormat.IDS, false);
        Subscriber s = resume(back, "gone", "elsewhere.3.0");
        s.end();
        h.settle();
        assertEquals(List.of(), back.received());
        assertFalse(h.fanout.resuming());
        h.subscriptions.sweep(System.nanoTime() + Duration.ofMinutes(2).toNanos(), 0);
        assertEquals(0, h.subscriptions.channelCount(), "nobody holds the channel any more");
    }

    @Test
    void aResumeTheExecutorRefusesGetsWhatHistoryAloneGives() {
        Subscriptions subscriptions = new Subscriptions(new Limits(100, 1 << 20),
                new HistoryLimits(100, 1 << 20, Duration.ofMinutes(5)), 100, 100,
                c -> CompletableFuture.completedFuture(null), c -> { }, 0);
        FakeTable table = new FakeTable();
        ArrayDeque<Runnable> live = new ArrayDeque<>();
        Fanout fanout = new Fanout(subscriptions, h.ids, table, live::add, table, r -> {
            throw new RejectedExecutionException("full");
        }, 0);
        table.insert(1, "c", "stored");
        table.commit();
        FakeWriter back = new FakeWriter(TestFormat.IDS, false);
        subscriptions.subscribe(List.of("c"), TestFormat.IDS, false, "elsewhere.3.0").attach(back);
        fanout.pollEnded();
        fanout.pollEnded();
        fanout.pollEnded();
        fanout.deliver(Notification.plain("c", "live"));
        fanout.pollEnded();
        assertEquals(List.of("gap:unknown:c", "live"), DurableHarness.payloads(back));
        assertFalse(fanout.resuming());
    }

    /** Five stored rows, read two a round, for a raw client whose writer is busy with a first message. */
    private DurableHarness rounds(FakeWriter writer, Subscriber[] subscriber) {
        DurableHarness rounds = new DurableHarness(100, 2, DurableSequencer.HOLD_LIMIT_NANOS);
        for (long p = 1; p <= 5; p++) {
            rounds.table.insert(p, "c", "durable " + p);
            rounds.table.commit();
        }
        rounds.table.batchRows = 2;
        Subscriber s = rounds.subscriptions.subscribe(List.of("c"), TestFormat.RAW, false, "elsewhere.9.0");
        s.attach(writer);
        s.send(Frame.of("hello"));
        rounds.fanout.pollEnded();
        rounds.runResumeReads();
        rounds.fanout.pollEnded();
        rounds.fanout.pollEnded();
        subscriber[0] = s;
        return rounds;
    }

    @Test
    void theNextRoundWaitsUntilTheClientHasWrittenOutTheLast() {
        FakeWriter back = FakeWriter.holding();
        Subscriber[] s = new Subscriber[1];
        DurableHarness rounds = rounds(back, s);
        assertEquals(List.of("hello"), back.received(), "the first round's rows wait behind the busy writer");
        rounds.fanout.pollEnded();
        assertTrue(rounds.resumeReads.isEmpty(), "no next round while they are not written out");
        back.take();
        s[0].writable();
        assertEquals(List.of("hello", "durable 1", "durable 2"), back.received());
        rounds.fanout.pollEnded();
        assertEquals(1, rounds.resumeReads.size(), "written out: the next round reads");
        for (int i = 0; i < 20 && (rounds.fanout.resuming() || !rounds.resumeReads.isEmpty()); i++) {
            back.take();
            s[0].writable();
            rounds.runResumeReads();
            rounds.fanout.pollEnded();
        }
        back.take();
        s[0].writable();
        assertEquals(List.of("hello", "durable 1", "durable 2", "durable 3", "durable 4", "durable 5"), back.received());
    }

    @Test
    void aClientGoneBetweenRoundsStopsTheResume() {
        FakeWriter back = FakeWriter.holding();
        Subscriber[] s = new Subscriber[1];
        DurableHarness rounds = rounds(back, s);
        assertTrue(rounds.fanout.resuming(), "its next round waits");
        s[0].end();
        rounds.fanout.pollEnded();
        assertFalse(rounds.fanout.resuming());
        assertTrue(rounds.resumeReads.isEmpty());
    }

    @Test
    void anOutageWhileTheResumeIsReadIsToldAsAnOutage() {
        h.open(List.of("c"), null);
        h.table.insert(1, "c", "stored");
        h.table.commit();
        FakeWriter back = new FakeWriter(TestFormat.IDS, false);
        resume(back, "c", "elsewhere.3.0");
        h.fanout.outage(new Outage(Instant.EPOCH, Instant.EPOCH.plusSeconds(1)));
        h.settle();
        assertEquals("gap:outage:c", DurableHarness.payloads(back).get(0));
    }

    @Test
    void aResumeAnnouncedBySessionGetsItsReplyBeforeItsGap() {
        h.table.insert(1, "c", "stored");
        h.table.commit();
        FakeWriter session = new FakeWriter(TestFormat.IDS, false);
        Subscriber s = h.subscriptions.subscribe(List.of(), TestFormat.IDS, true, null);
        s.attach(session);
        s.join("c", "elsewhere.3.0", Frame.of("subscribed c"));
        h.fanout.pollEnded();
        h.settle();
        assertEquals(List.of("subscribed c", "gap:unknown:c", "stored"), DurableHarness.payloads(session));
    }

    @Test
    void aClientWhoseResumeReadAheadOfTheReleasesIsNotSentThoseEventsAgain() {
        FakeWriter live = h.open(List.of("c"), null);
        h.table.insert(1, "c", "durable 1");
        h.table.commit();
        FakeWriter back = new FakeWriter(TestFormat.IDS, false);
        resume(back, "c", "elsewhere.3.0");
        h.runResumeReads();
        h.fanout.pollEnded();
        h.fanout.pollEnded();
        assertEquals(List.of("gap:unknown:c", "durable 1"), DurableHarness.payloads(back));
        h.fanout.deliver(Notification.durable("c", 1, 1, FakeTable.PUBLISHER));
        h.readAndPoll();
        assertEquals(List.of("durable 1"), DurableHarness.payloads(live));
        assertEquals(List.of("gap:unknown:c", "durable 1"), DurableHarness.payloads(back), "not twice");
    }

    @Test
    void whatTheChannelsGotWhileTheResumeWasReadFollowsInDeliveryOrder() {
        h.open(List.of("a", "b"), null);
        h.table.insert(1, "a", "stored");
        h.table.commit();
        FakeWriter back = new FakeWriter(TestFormat.IDS, false);
        h.subscriptions.subscribe(List.of("a", "b"), TestFormat.IDS, true, "elsewhere.3.0").attach(back);
        h.fanout.pollEnded();
        h.plain("b", "b1");
        h.plain("a", "a2");
        h.plain("b", "b3");
        h.fanout.pollEnded();
        h.settle();
        assertEquals(List.of("gap:unknown:a", "gap:unknown:b", "stored", "b1", "a2", "b3"),
                DurableHarness.payloads(back));
    }

    @Test
    void anOutageBeforeTheResumeIsToldWithItsTimes() {
        List<GapNotice> told = new ArrayList<>();
        Format recording = TestFormat.IDS;
        Format format = new Format() {
            @Override
            public String message(Event event) {
                return recording.message(event);
            }

            @Override
            public String gap(GapNotice gap) {
                told.add(gap);
                return recording.gap(gap);
            }

            @Override
            public int framedLength(Frame message) {
                return recording.framedLength(message);
            }

            @Override
            public void frame(Frame message, java.nio.ByteBuffer out) {
                recording.frame(message, out);
            }
        };
        FakeWriter first = h.open(List.of("c"), null);
        h.plain("c", "seen");
        h.fanout.pollEnded();
        String seen = DurableHarness.idsOf(first).get(0);
        Instant since = Instant.EPOCH;
        Instant until = Instant.EPOCH.plusSeconds(3);
        h.fanout.outage(new Outage(since, until));
        h.settle();
        FakeWriter back = new FakeWriter(format, false);
        h.subscriptions.subscribe(List.of("c"), format, false, seen).attach(back);
        h.fanout.pollEnded();
        h.settle();
        assertEquals(1, h.subscriptions.counters().resumeReads(), "the outage: history cannot vouch, the table is read");
        GapNotice gap = told.get(told.size() - 1);
        assertEquals(GapNotice.OUTAGE, gap.reason());
        assertEquals(since, gap.since());
        assertEquals(until, gap.until());
        assertEquals(seen, gap.lastEventId());
    }
}
