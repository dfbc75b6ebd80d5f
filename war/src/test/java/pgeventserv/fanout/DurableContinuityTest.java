package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** Where each channel's durable events begin: one read of the newest position for the channels LISTENed since. */
class DurableContinuityTest {

    private final FakeTable table = new FakeTable();
    private final ArrayDeque<Runnable> reads = new ArrayDeque<>();
    private final DurableContinuity continuity = new DurableContinuity(table, reads::add);

    private static Channel channel(String name) {
        return new Channel(name, new HistoryLimits(10, 1 << 20, Duration.ofMinutes(1)).history(),
                CompletableFuture.completedFuture(null));
    }

    @Test
    void channelsListenedInOnePollShareOneReadAndLearnWhereTheirDurableEventsBegin() {
        table.insert(7, "a", "p");
        table.commit();
        Channel a = channel("a");
        Channel b = channel("b");
        continuity.listened(a);
        continuity.listened(b);
        assertFalse(a.durableSinceKnown());
        continuity.readWanted();
        assertEquals(1, reads.size());
        continuity.collect();
        assertFalse(a.durableSinceKnown(), "not read yet");
        reads.poll().run();
        continuity.collect();
        assertEquals(7, a.durableSince());
        assertEquals(7, b.durableSince());
        assertTrue(b.durableSinceKnown());
    }

    @Test
    void nothingIsReadWhenNoChannelWasListened() {
        continuity.readWanted();
        assertTrue(reads.isEmpty());
    }

    @Test
    void aChannelIsAskedForOnce() {
        continuity.listened(channel("a"));
        continuity.readWanted();
        continuity.readWanted();
        assertEquals(1, reads.size());
    }

    @Test
    void anEmptyTableMeansEveryDurableEventIsAfterTheListen() {
        Channel a = channel("a");
        continuity.listened(a);
        continuity.readWanted();
        reads.poll().run();
        continuity.collect();
        assertEquals(0, a.durableSince());
    }

    @Test
    void withoutATableNoChannelsContinuityIsEverKnown() {
        DurableContinuity off = new DurableContinuity(null, reads::add);
        Channel a = channel("a");
        off.listened(a);
        off.readWanted();
        off.collect();
        assertTrue(reads.isEmpty());
        assertFalse(a.durableSinceKnown());
    }

    @Test
    void aTableKnownAbsentIsNotAsked() {
        FakeTable absent = new FakeTable() {
            @Override
            public boolean absent() {
                return true;
            }
        };
        DurableContinuity continuityOfAbsent = new DurableContinuity(absent, reads::add);
        continuityOfAbsent.listened(channel("a"));
        continuityOfAbsent.readWanted();
        assertTrue(reads.isEmpty());
    }

    @Test
    void aFailedReadLeavesTheChannelsUnknown() {
        table.failing = true;
        Channel a = channel("a");
        continuity.listened(a);
        continuity.readWanted();
        reads.poll().run();
        continuity.collect();
        assertFalse(a.durableSinceKnown());
    }

    @Test
    void aReadThatHitsALinkageErrorLeavesTheChannelsUnknown() {
        FakeTable broken = new FakeTable() {
            @Override
            public synchronized OptionalLong newestPosition() {
                throw new NoClassDefFoundError("org/postgresql/Driver");
            }
        };
        DurableContinuity c = new DurableContinuity(broken, reads::add);
        Channel a = channel("a");
        c.listened(a);
        c.readWanted();
        reads.poll().run();
        c.collect();
        assertFalse(a.durableSinceKnown());
    }

    @Test
    void aReadTheExecutorRefusesLeavesTheChannelsUnknown() {
        DurableContinuity refused = new DurableContinuity(table, r -> {
            throw new RejectedExecutionException("full");
        });
        Channel a = channel("a");
        refused.listened(a);
        refused.readWanted();
        refused.collect();
        assertFalse(a.durableSinceKnown());
    }

    @Test
    void aChannelWasListenedSinceAPositionWhenItsDurableEventsBeginAfterIt() {
        Channel a = channel("a");
        Channel b = channel("b");
        a.durableSince(5);
        b.durableSince(9);
        assertTrue(DurableContinuity.listenedSince(List.of(a, b), 8));
        assertFalse(DurableContinuity.listenedSince(List.of(a, b), 9));
        assertTrue(DurableContinuity.listenedSince(List.of(channel("unknown")), 9), "unknown: as late as can be");
        assertFalse(DurableContinuity.listenedSince(List.of(), 0));
    }
}
