package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The durable sequencer on its own: which hints are read, what a catch-up asks, and what a failed read costs. */
class DurableSequencerTest {

    private final EventIds ids = new EventIds("seq");
    private final FakeTable table = new FakeTable();
    private final ArrayDeque<Runnable> reads = new ArrayDeque<>();
    private final Subscriptions subscriptions = new Subscriptions(new Limits(100, 1 << 20),
            new HistoryLimits(10, 1 << 20, Duration.ofMinutes(1)), 100, 100, c -> CompletableFuture.completedFuture(null),
            c -> { }, 0);
    private final Channels channels = subscriptions.channels();
    private final Watermark watermark = new Watermark(0);
    private final Sequence sequence = new Sequence(ids, watermark);
    private final LiveDelivery live = new LiveDelivery(channels, watermark);
    private final Counters counters = subscriptions.counters();

    private DurableSequencer sequencer(DurableReader reader, java.util.concurrent.Executor executor) {
        return new DurableSequencer(reader, executor, channels, live, sequence, watermark, counters,
                DurableSequencer.HOLD_LIMIT_NANOS);
    }

    private final DurableSequencer durable = sequencer(table, reads::add);

    /** A channel with one client in the envelope format (it can be told of gaps). */
    private FakeWriter member(String name) {
        Subscriber s = subscriptions.subscribe(List.of(), TestFormat.ENVELOPE, false, null);
        FakeWriter writer = new FakeWriter(TestFormat.ENVELOPE, false);
        s.attach(writer);
        channels.reserve(List.of(name));
        channels.arrive(s, Move.join(s, List.of(name), null, null, Map.of()), 1);
        return writer;
    }

    private static final FakeTable ABSENT = new FakeTable() {
        @Override
        public boolean absent() {
            return true;
        }
    };

    @Test
    void aHintWhileTheTableIsKnownAbsentIsIgnoredAndCounted() {
        member("c");
        DurableSequencer off = sequencer(ABSENT, reads::add);
        off.hint(channels.get("c"), 1, 1, FakeTable.PUBLISHER);
        assertTrue(reads.isEmpty());
        assertFalse(off.reading());
        assertEquals(1, counters.referencesIgnored());
    }

    @Test
    void aHintEndingAtTheWatermarkIsNotReadAndOneAboveItIs() {
        member("c");
        watermark.raise(5);
        durable.hint(channels.get("c"), 3, 5, FakeTable.PUBLISHER);
        assertTrue(reads.isEmpty());
        assertFalse(durable.held(channels.get("c"), "plain"), "nothing to wait for");
        durable.hint(channels.get("c"), 5, 6, FakeTable.PUBLISHER);
        assertEquals(1, reads.size());
        assertTrue(durable.reading());
        assertTrue(durable.held(channels.get("c"), "plain"), "the channel waits behind the read");
        assertEquals(0, counters.referencesIgnored());
    }

    @Test
    void aReadOutHoldsResumesOnlyAtOrAboveItsFirstPosition() {
        member("c");
        durable.hint(channels.get("c"), 3, 4, FakeTable.PUBLISHER);
        assertFalse(durable.waitsAtOrBelow(2));
        assertTrue(durable.waitsAtOrBelow(3));
    }

    @Test
    void aCatchUpStartsEachChannelAfterTheLaterOfTheWatermarkAndItsContinuity() {
        member("early");
        member("late");
        member("unknown");
        channels.get("early").durableSince(3);
        channels.get("late").durableSince(8);
        watermark.raise(5);
        durable.outage();
        CatchUpRead read = (CatchUpRead) reads.poll();
        assertEquals(List.of(new Floor("early", 5), new Floor("late", 8)),
                read.floors.stream().sorted((x, y) -> x.channel().compareTo(y.channel())).toList());
        assertEquals(2, read.channels.size(), "a channel whose continuity is unknown has nothing to catch up");
        assertFalse(durable.waitsAtOrBelow(5));
        assertTrue(durable.waitsAtOrBelow(6));
        assertFalse(durable.held(channels.get("unknown"), "plain"));
        assertTrue(durable.held(channels.get("early"), "plain"));
    }

    @Test
    void noCatchUpWhenNoChannelsContinuityIsKnown() {
        member("c");
        durable.outage();
        assertTrue(reads.isEmpty());
        assertFalse(durable.reading());
    }

    @Test
    void noCatchUpWhileTheTableIsKnownAbsent() {
        member("c");
        channels.get("c").durableSince(0);
        DurableSequencer off = sequencer(ABSENT, reads::add);
        off.outage();
        assertTrue(reads.isEmpty());
    }

    @Test
    void noCatchUpWithoutATable() {
        member("c");
        channels.get("c").durableSince(0);
        DurableSequencer off = sequencer(null, reads::add);
        off.outage();
        off.hint(channels.get("c"), 1, 1, FakeTable.PUBLISHER);
        assertTrue(reads.isEmpty());
        assertEquals(1, counters.referencesIgnored());
    }

    @Test
    void aReadTheExecutorRefusesIsAGapAndItsChannelGoesOn() {
        FakeWriter c = member("c");
        DurableSequencer refusing = sequencer(table, r -> {
            throw new RejectedExecutionException("full");
        });
        refusing.hint(channels.get("c"), 1, 1, FakeTable.PUBLISHER);
        assertTrue(refusing.held(channels.get("c"), "plain"));
        refusing.releaseDone(System.nanoTime());
        live.deliver();
        assertEquals(List.of("gap:unknown:c", "env:plain"), c.received());
        assertEquals(1, counters.durableGaps());
        assertFalse(refusing.reading());
    }

    @Test
    void aCatchUpThatFailsAfterLearningWhichChannelsWaitIsAGapForThoseOnly() {
        FakeTable failingRows = new FakeTable() {
            @Override
            public java.util.List<DurableRow> batch(List<Floor> floors, long after, long upTo) {
                throw new IllegalStateException("connection lost");
            }
        };
        failingRows.insert(1, "waits", "row");
        failingRows.commit();
        DurableSequencer d = sequencer(failingRows, reads::add);
        FakeWriter waits = member("waits");
        FakeWriter free = member("free");
        channels.get("waits").durableSince(0);
        channels.get("free").durableSince(0);
        d.outage();
        reads.poll().run();
        d.releaseDone(System.nanoTime());
        live.deliver();
        assertEquals(List.of("gap:unknown:waits"), waits.received());
        assertEquals(List.of(), free.received());
        assertEquals(1, counters.durableGaps());
    }

    @Test
    void aCatchUpThatFailsBeforeKnowingWhichChannelsWaitIsAGapForAll() {
        table.failing = true;
        FakeWriter a = member("a");
        FakeWriter b = member("b");
        channels.get("a").durableSince(0);
        channels.get("b").durableSince(0);
        durable.outage();
        reads.poll().run();
        durable.releaseDone(System.nanoTime());
        assertEquals(List.of("gap:unknown:a"), a.received());
        assertEquals(List.of("gap:unknown:b"), b.received());
    }

    @Test
    void aGivenUpReadBreaksItsChannelsHistory() {
        member("c");
        durable.hint(channels.get("c"), 1, 1, FakeTable.PUBLISHER);
        channels.get("c").history.listened(0);
        live.add(channels.get("c"), sequence.plain("c", "before the failure"));
        live.deliver();
        assertEquals(null, channels.get("c").history.since(1, 0).gapReason(), "whole until the failure");
        table.failing = true;
        reads.poll().run();
        durable.releaseDone(System.nanoTime());
        assertEquals(GapNotice.HISTORY, channels.get("c").history.since(1, 0).gapReason(),
                "a resume from before the failure cannot be vouched for");
    }

    @Test
    void aReleasedReadRaisesTheWatermarkToItsLastPositionAndCountsItsEvents() {
        FakeWriter c = member("c");
        table.insert(1, "c", "one");
        table.insert(2, "other", "not followed here");
        table.insert(3, "c", "three");
        table.commit();
        durable.hint(channels.get("c"), 1, 3, FakeTable.PUBLISHER);
        reads.poll().run();
        durable.releaseDone(System.nanoTime());
        live.deliver();
        assertEquals(List.of("env:one", "env:three"), c.received());
        assertEquals(3, durable.watermark());
        assertEquals(2, counters.durableReleased());
    }

    @Test
    void readsAreReleasedInTheOrderAskedWhicheverIsDoneFirst() {
        FakeWriter c = member("c");
        table.insert(1, "c", "one");
        table.commit();
        table.insert(2, "c", "two");
        table.commit();
        durable.hint(channels.get("c"), 1, 1, FakeTable.PUBLISHER);
        durable.hint(channels.get("c"), 2, 2, FakeTable.PUBLISHER);
        Runnable first = reads.poll();
        reads.poll().run();
        durable.releaseDone(System.nanoTime());
        live.deliver();
        assertEquals(List.of(), c.received());
        first.run();
        durable.releaseDone(System.nanoTime());
        live.deliver();
        assertEquals(List.of("env:one", "env:two"), c.received());
        assertFalse(durable.reading());
    }

    @Test
    void aCatchUpRaisesTheWatermarkToItsSnapshotThoughTheNewestRowIsAnotherChannels() {
        FakeWriter c = member("c");
        channels.get("c").durableSince(0);
        table.insert(1, "c", "caught up");
        table.commit();
        table.insert(2, "not here", "other");
        table.commit();
        durable.outage();
        reads.poll().run();
        durable.releaseDone(System.nanoTime());
        live.deliver();
        assertEquals(List.of("env:caught up"), c.received());
        assertEquals(2, durable.watermark(), "every row up to the snapshot is accounted for");
    }
}
