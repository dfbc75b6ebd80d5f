package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What /metrics counts of durable events: released events once each, resumes that read the table. */
class DurableCountsTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final FakeTable table = new FakeTable();
    private final ArrayDeque<Runnable> reads = new ArrayDeque<>();
    private final Subscriptions registry = new Subscriptions(new Limits(10_000, 1 << 24),
            new HistoryLimits(100, 1 << 20, Duration.ofMinutes(5)), 1_000, 10_000, c -> CompletableFuture.completedFuture(null),
            c -> { }, TimeUnit.MILLISECONDS.toNanos(60_000));
    private final Fanout fanout = new Fanout(registry, new EventIds("run"), table, reads::add, table, reads::add, 0);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private FakeWriter open(String channel, String lastEventId) {
        FakeWriter writer = new FakeWriter(TestFormat.IDS, false);
        registry.subscribe(List.of(channel), TestFormat.IDS, false, lastEventId).attach(writer);
        fanout.pollEnded();
        readAll();
        return writer;
    }

    private void readAll() {
        for (Runnable r; (r = reads.poll()) != null; ) {
            r.run();
        }
        fanout.pollEnded();
        fanout.pollEnded();
    }

    @Test
    void eachDurableEventReleasedCountsOnceWhateverItsClientsAndRowsOfUnfollowedChannelsDoNot() {
        open("c", null);
        open("c", null);
        table.insert(1, "c", "one");
        table.insert(2, "nobody", "not followed here");
        table.insert(3, "c", "three");
        fanout.deliver(Notification.durable("c", 1, 3, FakeTable.PUBLISHER));
        readAll();
        assertEquals(2, registry.counters().durableReleased());
        assertEquals(0, registry.counters().resumeReads());
    }

    @Test
    void aResumeThatHistoryCannotServeCountsAsAResumeRead() {
        table.insert(1, "c", "one");
        table.insert(2, "c", "two");
        FakeWriter back = open("c", "another-run.7.1");
        assertEquals(1, registry.counters().resumeReads());
        assertEquals(List.of("gap:unknown:c", "two"), back.received().stream()
                .map(m -> m.startsWith("gap:") ? m : m.substring(m.indexOf(' ') + 1)).toList());
        assertEquals(0, registry.counters().durableReleased(), "a resume's rows are the client's, not released");
    }
}
