package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One instance of a cluster, driven through random interleavings of what really happens at once: transactions
 * commit rows on several channels (the table sees them at once), their hints arrive some time later (in commit order,
 * a transaction's hints together, possibly split across polls), forged and foreign hints come in between, the
 * LISTEN connection drops (the hints on their way are lost, commits go on) and comes back, also while a catch-up is
 * still reading, reads end in any order, resumes race live reads, polls end. Clients come from another instance with
 * the id of any durable event they saw there, or of a plain one carrying a watermark.
 *
 * <p>Every client must get every later durable event of its channels exactly once, in position order; so must the
 * client that never left, through every outage. Seeded: a failure names its seed ({@code -Dmodel.seed=N} runs one,
 * {@code -Dmodel.seeds=N} runs that many; 300 in every build).
 */
class DurableModelTest {

    private static final List<String> CHANNELS = List.of("a", "b", "c", "d");
    /** The database sessions that publish; a forger's hints come from another. */
    private static final int PUBLISHERS = 3;
    private static final int FORGER = 666;
    private static final int TRANSACTIONS = 80;

    static List<Long> seeds() {
        if (System.getProperty("model.seed") != null) {
            return List.of(Long.getLong("model.seed"));
        }
        int n = Integer.getInteger("model.seeds", 300);
        List<Long> seeds = new ArrayList<>();
        for (long s = 1; s <= n; s++) {
            seeds.add(s);
        }
        return seeds;
    }

    /** A client and the durable events it must end with. */
    private record Client(FakeWriter writer, List<String> channels, long after) {
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyClientGetsEveryLaterDurableEventOfItsChannelsOnceInOrder(long seed) {
        Random random = new Random(seed);
        int historyMessages = random.nextBoolean() ? 1_000 : 3 + random.nextInt(20);
        FakeTable table = new FakeTable();
        if (random.nextBoolean()) {
            // Resumes and catch-ups in several bounded rounds.
            table.batchRows = 1 + random.nextInt(4);
        }
        List<Runnable> liveReads = new ArrayList<>();
        List<Runnable> resumeReads = new ArrayList<>();
        Subscriptions subscriptions = new Subscriptions(new Limits(100_000, 1 << 26),
                new HistoryLimits(historyMessages, 1 << 24, Duration.ofMinutes(5)), 1_000, 10_000,
                c -> CompletableFuture.completedFuture(null), c -> { }, Duration.ofMinutes(1).toNanos());
        Fanout fanout = new Fanout(subscriptions, new EventIds("here"), table, liveReads::add, table,
                resumeReads::add, EventIds.UNKNOWN, 1 + random.nextInt(8), Long.MAX_VALUE / 4);

        List<Client> clients = new ArrayList<>();
        FakeWriter stayer = new FakeWriter(TestFormat.IDS, false);
        subscriptions.subscribe(CHANNELS, TestFormat.IDS, true, null).attach(stayer);
        fanout.pollEnded();
        // Where the channels' durable continuity starts is known before anything happens.
        liveReads.remove(0).run();
        fanout.pollEnded();
        clients.add(new Client(stayer, CHANNELS, 0));

        ArrayDeque<Notification> inbox = new ArrayDeque<>();
        TreeMap<Long, String> committed = new TreeMap<>();
        long position = 0;
        int transactions = 0;
        boolean down = false;
        for (int step = 0; step < 50_000 && (transactions < TRANSACTIONS || down || !inbox.isEmpty()
                || !liveReads.isEmpty() || !resumeReads.isEmpty()); step++) {
            int action = random.nextInt(100);
            if (action < 2 || down && transactions == TRANSACTIONS) {
                // The LISTEN connection drops (what was on its way is lost) or comes back.
                down = !down;
                inbox.clear();
                if (!down) {
                    fanout.outage(new Outage(Instant.EPOCH, Instant.EPOCH));
                }
            } else if (action < 25) {
                if (transactions < TRANSACTIONS) {
                    transactions++;
                    position = commit(random, table, committed, position, down ? null : inbox);
                }
            } else if (action < 30) {
                if (!down) {
                    inbox.add(forged(random, committed, position));
                }
            } else if (action < 33) {
                inbox.add(Notification.plain(CHANNELS.get(random.nextInt(CHANNELS.size())), "plain"));
            } else if (action < 50) {
                for (int n = random.nextInt(4); n > 0 && !inbox.isEmpty(); n--) {
                    fanout.deliver(inbox.poll());
                }
            } else if (action < 62) {
                runOne(random, liveReads);
            } else if (action < 70) {
                runOne(random, resumeReads);
            } else if (action < 95) {
                fanout.pollEnded();
            } else if (!committed.isEmpty() && clients.size() < 8) {
                clients.add(resume(random, subscriptions, committed));
            }
        }
        for (int i = 0; i < 1_000 && (fanout.reading() || fanout.resuming() || !liveReads.isEmpty()
                || !resumeReads.isEmpty()); i++) {
            runOne(random, liveReads);
            runOne(random, resumeReads);
            fanout.pollEnded();
        }
        fanout.pollEnded();
        for (Client client : clients) {
            assertEquals(expected(committed, client), durablePositions(client.writer()),
                    "seed " + seed + ": the client of " + client.channels() + " after " + client.after());
        }
    }

    /** One transaction of one to three rows on random channels; its hints, one per channel, ordered by their first row. */
    private static long commit(Random random, FakeTable table, TreeMap<Long, String> committed, long position,
            ArrayDeque<Notification> inbox) {
        int rows = 1 + random.nextInt(3);
        int session = 1 + random.nextInt(PUBLISHERS);
        TreeMap<String, long[]> ranges = new TreeMap<>();
        for (int i = 0; i < rows; i++) {
            long p = ++position;
            String channel = CHANNELS.get(random.nextInt(CHANNELS.size()));
            table.insert(p, channel, channel + p, session);
            committed.put(p, channel);
            long[] range = ranges.computeIfAbsent(channel, c -> new long[] {p, p});
            range[1] = p;
        }
        table.commit();
        if (inbox != null) {
            List<Notification> hints = new ArrayList<>();
            ranges.forEach((channel, range) -> hints.add(Notification.durable(channel, range[0], range[1], session)));
            hints.sort((x, y) -> Long.compare(x.durableFirst(), y.durableFirst()));
            inbox.addAll(hints);
        }
        return position;
    }

    /**
     * A hint no transaction sent, from a session that may NOTIFY: an absurd range, another channel's row, or rows
     * (real or yet to come) of any transaction, guessed.
     */
    private static Notification forged(Random random, TreeMap<Long, String> committed, long position) {
        String channel = CHANNELS.get(random.nextInt(CHANNELS.size()));
        return switch (random.nextInt(3)) {
            case 0 -> Notification.durable(channel, 1 + random.nextInt((int) position + 3), 999_999_999_999_999_999L,
                    FORGER);
            case 1 -> {
                long first = 1 + random.nextInt((int) position + 3);
                yield Notification.durable(channel, first, first + random.nextInt(10), FORGER);
            }
            default -> {
                long p = committed.isEmpty() ? 1 : committed.lastKey();
                String foreign = committed.getOrDefault(p, channel);
                String other = CHANNELS.get((CHANNELS.indexOf(foreign) + 1) % CHANNELS.size());
                yield Notification.durable(other, p, p, FORGER);
            }
        };
    }

    /** A client from another instance, on some channels, with the id of a durable event it saw there or a plain one. */
    private static Client resume(Random random, Subscriptions subscriptions, TreeMap<Long, String> committed) {
        List<String> channels = new ArrayList<>(CHANNELS);
        Collections.shuffle(channels, random);
        channels = List.copyOf(channels.subList(0, 1 + random.nextInt(channels.size())));
        long after = 1 + random.nextLong(committed.lastKey());
        String id;
        if (random.nextBoolean()) {
            // The id of a durable event of one of its channels: it has every one of its channels' up to there.
            Long seen = null;
            for (long p = after; p >= 1 && seen == null; p--) {
                if (channels.contains(committed.get(p))) {
                    seen = p;
                }
            }
            after = seen == null ? 0 : seen;
            id = seen == null ? "elsewhere.1.0" : "d" + seen;
        } else {
            id = "elsewhere." + (1 + random.nextInt(1_000)) + "." + after;
        }
        FakeWriter writer = new FakeWriter(TestFormat.IDS, false);
        subscriptions.subscribe(channels, TestFormat.IDS, channels.size() > 1, id).attach(writer);
        return new Client(writer, channels, after);
    }

    private static void runOne(Random random, List<Runnable> reads) {
        if (!reads.isEmpty()) {
            reads.remove(random.nextInt(reads.size())).run();
        }
    }

    private static List<Long> expected(TreeMap<Long, String> committed, Client client) {
        List<Long> positions = new ArrayList<>();
        committed.tailMap(client.after(), false).forEach((p, channel) -> {
            if (client.channels().contains(channel)) {
                positions.add(p);
            }
        });
        return positions;
    }

    /** The durable events a client got ({@code d<position>} ids), in the order it got them. */
    private static List<Long> durablePositions(FakeWriter writer) {
        List<Long> positions = new ArrayList<>();
        for (String message : writer.received()) {
            if (message.startsWith("d") && message.indexOf(' ') > 1) {
                positions.add(Long.parseLong(message.substring(1, message.indexOf(' '))));
            }
        }
        return positions;
    }
}
