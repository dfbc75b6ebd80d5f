package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import pgeventserv.postgres.DurableReference;
import pgeventserv.postgres.Gap;

/**
 * One instance of a cluster, driven through random interleavings of what really happens at once: transactions
 * commit rows (the table sees them at once), their references arrive some time later, the rows' reads end in any
 * order, polls end, and clients come from another instance with the id of any durable event they saw there (or of
 * a plain one carrying a watermark). Every such client must get every later durable event exactly once, in
 * position order, and so must the client that never left, through LISTEN outages too. Seeded: a failure names its seed.
 */
class DurableResumeModelTest {

    private static final int EVENTS = 120;
    private static final int RESUMING_CLIENTS = 6;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    static List<Long> seeds() {
        List<Long> seeds = new ArrayList<>();
        if (System.getProperty("model.seed") != null) {
            return List.of(Long.getLong("model.seed"));
        }
        for (long s = 1; s <= 300; s++) {
            seeds.add(s);
        }
        return seeds;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyResumingClientGetsEveryLaterDurableEventOnceInOrder(long seed) {
        Random random = new Random(seed);
        int historyMessages = random.nextBoolean() ? 1_000 : 5 + random.nextInt(20);
        Registry registry = new Registry(new Limits(100_000, 1 << 26),
                new HistoryLimits(historyMessages, 1 << 24, Duration.ofMinutes(5)), 1_000,
                c -> CompletableFuture.completedFuture(null), c -> { }, scheduler, 60_000);
        DurableDeliveryTest.FakeTable table = new DurableDeliveryTest.FakeTable();
        List<Runnable> reads = new ArrayList<>();
        Fanout fanout = new Fanout(registry, new EventIds("here"), table, reads::add, EventIds.UNKNOWN);
        if (random.nextBoolean()) {
            // Resumes in several bounded rounds.
            table.batchRows = 1 + random.nextInt(4);
            fanout.resumeRows = 1 + random.nextInt(8);
        }

        FakeWriter stayer = new FakeWriter(TestFormat.IDS, false);
        registry.subscribe(List.of("c"), TestFormat.IDS, false, null).attach(stayer);
        fanout.pollCompleted();
        // Where the channel's durable continuity starts is known before the first outage (else that outage is a
        // gap for the durable events too: told, but not caught up).
        reads.remove(0).run();
        fanout.pollCompleted();

        ArrayDeque<String> inbox = new ArrayDeque<>();
        List<FakeWriter> resumers = new ArrayList<>();
        List<Long> resumedAfter = new ArrayList<>();
        long committed = 0;
        int plain = 0;
        boolean down = false;
        for (int step = 0; step < 20_000 && (committed < EVENTS || down || !inbox.isEmpty() || !reads.isEmpty()); step++) {
            if (random.nextInt(100) == 0 || down && committed == EVENTS) {
                // The LISTEN connection drops (what was on its way is lost) and later comes back.
                down = !down;
                inbox.clear();
                if (!down) {
                    fanout.gap(new Gap(Instant.EPOCH, Instant.EPOCH));
                }
                continue;
            }
            switch (random.nextInt(7)) {
                case 0, 1 -> {
                    if (committed < EVENTS) {
                        // One transaction: one to three rows, committed (visible) now, its reference on its way.
                        long first = committed + 1;
                        long last = Math.min(EVENTS, first + random.nextInt(3));
                        for (long p = first; p <= last; p++) {
                            table.insert(p, "c", Long.toString(p));
                        }
                        committed = last;
                        if (!down) {
                            inbox.add(new DurableReference(first, last).payload());
                            if (random.nextInt(4) == 0) {
                                inbox.add("plain " + plain++);
                            }
                        }
                    }
                }
                case 2 -> {
                    for (int n = random.nextInt(4); n > 0 && !inbox.isEmpty(); n--) {
                        fanout.deliver("c", inbox.poll());
                    }
                }
                case 3 -> {
                    if (!reads.isEmpty()) {
                        reads.remove(random.nextInt(reads.size())).run();
                    }
                }
                case 4, 5 -> {
                    if (!down) {
                        fanout.pollCompleted();
                    }
                }
                default -> {
                    if (resumers.size() < RESUMING_CLIENTS && committed > 0 && !down) {
                        // Seen on another instance: every durable event up to a position it had reached there.
                        long seen = 1 + random.nextInt((int) committed);
                        String id = random.nextBoolean() ? "d" + seen : "elsewhere." + (1000 + seen) + "." + seen;
                        FakeWriter back = new FakeWriter(TestFormat.IDS, false);
                        registry.subscribe(List.of("c"), TestFormat.IDS, false, id).attach(back);
                        resumers.add(back);
                        resumedAfter.add(seen);
                    }
                }
            }
        }
        for (int round = 0; round < 10_000 && (!inbox.isEmpty() || !reads.isEmpty() || fanout.resuming() || round < 3); round++) {
            while (!inbox.isEmpty()) {
                fanout.deliver("c", inbox.poll());
            }
            while (!reads.isEmpty()) {
                reads.remove(0).run();
            }
            fanout.pollCompleted();
        }

        assertEquals(expected(0), durablePositions(stayer), "seed " + seed + ": the client that stayed");
        for (int i = 0; i < resumers.size(); i++) {
            assertEquals(expected(resumedAfter.get(i)), durablePositions(resumers.get(i)),
                    "seed " + seed + ": client " + i + " resumed after d" + resumedAfter.get(i) + ", history "
                            + historyMessages + "; received " + resumers.get(i).received());
        }
    }

    /**
     * As above with three channels: {@code c} (a client that stays, and resuming ones), {@code n} (LISTENed only
     * once a resuming client asks for it, so what was committed before comes from the table alone) and {@code o}
     * (nobody here: its positions never arrive). A transaction writes to one or more of them, one reference per
     * channel, and a reference reaches this server only if the channel was LISTENed when it committed.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void resumesAcrossChannelsThatAreListenedLateOrNeverGetEveryLaterDurableEventOnceInOrder(long seed) {
        Random random = new Random(seed);
        int historyMessages = random.nextBoolean() ? 1_000 : 5 + random.nextInt(20);
        Registry registry = new Registry(new Limits(100_000, 1 << 26),
                new HistoryLimits(historyMessages, 1 << 24, Duration.ofMinutes(5)), 1_000,
                c -> CompletableFuture.completedFuture(null), c -> { }, scheduler, 60_000);
        DurableDeliveryTest.FakeTable table = new DurableDeliveryTest.FakeTable();
        List<Runnable> reads = new ArrayList<>();
        Fanout fanout = new Fanout(registry, new EventIds("here"), table, reads::add, EventIds.UNKNOWN);
        if (random.nextBoolean()) {
            table.batchRows = 1 + random.nextInt(4);
            fanout.resumeRows = 1 + random.nextInt(8);
        }
        FakeWriter stayer = new FakeWriter(TestFormat.IDS, false);
        registry.subscribe(List.of("c"), TestFormat.IDS, false, null).attach(stayer);
        fanout.pollCompleted();

        List<String> channels = List.of("c", "n", "o");
        ArrayDeque<String[]> inbox = new ArrayDeque<>();
        List<FakeWriter> resumers = new ArrayList<>();
        List<List<String>> resumerChannels = new ArrayList<>();
        List<Long> resumedAfter = new ArrayList<>();
        long committed = 0;
        for (int step = 0; step < 20_000 && (committed < EVENTS || !inbox.isEmpty() || !reads.isEmpty()); step++) {
            switch (random.nextInt(7)) {
                case 0, 1 -> {
                    if (committed < EVENTS) {
                        int rows = 1 + random.nextInt(4);
                        long[] low = new long[3];
                        long[] high = new long[3];
                        for (int r = 0; r < rows; r++) {
                            int c = random.nextInt(3);
                            long position = ++committed;
                            table.insert(position, channels.get(c), Long.toString(position));
                            low[c] = low[c] == 0 ? position : low[c];
                            high[c] = position;
                        }
                        // One reference per channel, in the order of their first positions, as the trigger sends them.
                        List<Integer> order = new ArrayList<>(List.of(0, 1, 2));
                        order.sort((a, b) -> Long.compare(low[a], low[b]));
                        for (int c : order) {
                            Registry.Channel channel = registry.channel(channels.get(c));
                            if (low[c] != 0 && channel != null && channel.listenedNow()) {
                                inbox.add(new String[] {channels.get(c), new DurableReference(low[c], high[c]).payload()});
                            }
                        }
                    }
                }
                case 2 -> {
                    for (int n = random.nextInt(4); n > 0 && !inbox.isEmpty(); n--) {
                        String[] notification = inbox.poll();
                        fanout.deliver(notification[0], notification[1]);
                    }
                }
                case 3 -> {
                    if (!reads.isEmpty()) {
                        reads.remove(random.nextInt(reads.size())).run();
                    }
                }
                case 4, 5 -> fanout.pollCompleted();
                default -> {
                    if (resumers.size() < RESUMING_CLIENTS && committed > 0) {
                        long seen = 1 + random.nextInt((int) committed);
                        List<String> theirs = random.nextBoolean() ? List.of("c", "n") : List.of(random.nextBoolean() ? "c" : "n");
                        String id = random.nextBoolean() ? "d" + seen : "elsewhere." + (1000 + seen) + "." + seen;
                        FakeWriter back = new FakeWriter(TestFormat.IDS, false);
                        registry.subscribe(theirs, TestFormat.IDS, theirs.size() > 1, id).attach(back);
                        resumers.add(back);
                        resumerChannels.add(theirs);
                        resumedAfter.add(seen);
                    }
                }
            }
        }
        for (int round = 0; round < 10_000 && (!inbox.isEmpty() || !reads.isEmpty() || fanout.resuming() || round < 3); round++) {
            while (!inbox.isEmpty()) {
                String[] notification = inbox.poll();
                fanout.deliver(notification[0], notification[1]);
            }
            while (!reads.isEmpty()) {
                reads.remove(0).run();
            }
            fanout.pollCompleted();
        }

        assertEquals(expected(table, List.of("c"), 0), durablePositions(stayer), "seed " + seed + ": the client that stayed");
        for (int i = 0; i < resumers.size(); i++) {
            assertEquals(expected(table, resumerChannels.get(i), resumedAfter.get(i)), durablePositions(resumers.get(i)),
                    "seed " + seed + ": client " + i + " on " + resumerChannels.get(i) + " resumed after d"
                            + resumedAfter.get(i) + ", history " + historyMessages + "; received " + resumers.get(i).received());
        }
    }

    private static List<Long> expected(DurableDeliveryTest.FakeTable table, List<String> channels, long after) {
        return table.rows.stream().filter(r -> channels.contains(r.channel()) && r.position() > after)
                .map(r -> r.position()).sorted().toList();
    }

    private static List<Long> expected(long after) {
        List<Long> positions = new ArrayList<>();
        for (long p = after + 1; p <= EVENTS; p++) {
            positions.add(p);
        }
        return positions;
    }

    /** The durable events a client got, by their ids ({@code d<position>}), in the order it got them. */
    private static List<Long> durablePositions(FakeWriter writer) {
        List<Long> positions = new ArrayList<>();
        for (String message : writer.received()) {
            if (message.startsWith("d")) {
                positions.add(Long.parseLong(message.substring(1, message.indexOf(' '))));
            }
        }
        return positions;
    }
}
