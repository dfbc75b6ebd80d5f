package pgeventserv.fanout;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A fan-out with durable events over a {@link FakeTable}, its reads queued until the test runs them: live reads
 * (hints, catch-ups, continuity) and resume reads apart, as the server runs them on executors of their own.
 * Messages are {@code <id> <payload>} ({@link TestFormat#IDS}).
 */
final class DurableHarness {

    final EventIds ids = new EventIds("run");
    final FakeTable table = new FakeTable();
    final ArrayDeque<Runnable> liveReads = new ArrayDeque<>();
    final ArrayDeque<Runnable> resumeReads = new ArrayDeque<>();
    final Subscriptions subscriptions;
    final Fanout fanout;

    DurableHarness() {
        this(100, DurableResume.MAX_ROWS, DurableSequencer.HOLD_LIMIT_NANOS);
    }

    DurableHarness(int historyMessages, int resumeRows, long holdLimitNanos) {
        subscriptions = new Subscriptions(new Limits(10_000, 1 << 24),
                new HistoryLimits(historyMessages, 1 << 20, Duration.ofMinutes(5)), 1_000, 10_000,
                c -> CompletableFuture.completedFuture(null), c -> { }, Duration.ofMinutes(1).toNanos());
        fanout = new Fanout(subscriptions, ids, table, liveReads::add, table, resumeReads::add, 0, resumeRows,
                holdLimitNanos);
    }

    /**
     * A client of the channels, open; its channels' LISTENs in effect and where their durable continuity begins
     * known (that read is run at once).
     */
    FakeWriter open(List<String> channels, String lastEventId) {
        FakeWriter writer = new FakeWriter(TestFormat.IDS, false);
        subscriptions.subscribe(channels, TestFormat.IDS, channels.size() > 1, lastEventId).attach(writer);
        fanout.pollEnded();
        liveReads.removeIf(r -> {
            if (r instanceof PendingRead) {
                return false;
            }
            r.run();
            return true;
        });
        fanout.pollEnded();
        return writer;
    }

    /** Rows committed by one transaction on the channel, and the hint that says so. */
    void publish(String channel, long first, long last) {
        for (long p = first; p <= last; p++) {
            table.insert(p, channel, "durable " + p);
        }
        table.commit();
        fanout.deliver(Notification.durable(channel, first, last, FakeTable.PUBLISHER));
    }

    void plain(String channel, String payload) {
        fanout.deliver(Notification.plain(channel, payload));
    }

    void runLiveReads() {
        for (Runnable r; (r = liveReads.poll()) != null; ) {
            r.run();
        }
    }

    void runResumeReads() {
        for (Runnable r; (r = resumeReads.poll()) != null; ) {
            r.run();
        }
    }

    /** Every read done, then two polls: a resume read is let in one poll after it is back. */
    void readAndPoll() {
        runLiveReads();
        runResumeReads();
        fanout.pollEnded();
        runLiveReads();
        fanout.pollEnded();
    }

    /** Reads and polls until nothing is out, a bounded number of times. */
    void settle() {
        for (int i = 0; i < 50 && (fanout.resuming() || fanout.reading() || !liveReads.isEmpty()
                || !resumeReads.isEmpty()); i++) {
            readAndPoll();
        }
    }

    /** What the client got, payloads only (gaps and replies as they are). */
    static List<String> payloads(FakeWriter w) {
        return w.received().stream().map(m -> m.startsWith("gap:") || m.startsWith("subscribed") ? m
                : m.substring(m.indexOf(' ') + 1)).toList();
    }

    static List<String> idsOf(FakeWriter w) {
        return w.received().stream().filter(m -> !m.startsWith("gap:")).map(m -> m.substring(0, m.indexOf(' ')))
                .toList();
    }
}
