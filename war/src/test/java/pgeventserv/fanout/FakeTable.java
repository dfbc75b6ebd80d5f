package pgeventserv.fanout;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The durable events' table in memory, as the database side reads it: rows with positions, channels and the
 * transaction that committed them. Reads fail while {@link #failing}; the counters say what was asked.
 */
class FakeTable implements DurableReader {

    /** The session that publishes, unless a test says another. */
    static final int PUBLISHER = 4242;

    record Row(long position, String channel, String payload, long transaction, int sender) {
    }

    final List<Row> rows = new ArrayList<>();
    volatile boolean failing;
    /** Rows a batch holds at most. */
    int batchRows = Integer.MAX_VALUE;
    int transactionReads;
    int batchReads;
    int waitingReads;
    /** While set, a batch waits for it (up to ten seconds) before it reads: a read of rows that takes its time. */
    volatile CountDownLatch batchesWait;
    private long transaction = 1;

    /** A row of the current transaction, committed by {@link #PUBLISHER} ({@link #commit()} starts the next). */
    synchronized void insert(long position, String channel, String payload) {
        insert(position, channel, payload, PUBLISHER);
    }

    /** A row of the current transaction, committed by the session {@code sender}. */
    synchronized void insert(long position, String channel, String payload, int sender) {
        rows.add(new Row(position, channel, payload, transaction, sender));
    }

    /** The rows inserted since the last call are one transaction. */
    synchronized void commit() {
        transaction++;
    }

    synchronized void delete(long position) {
        rows.removeIf(r -> r.position() == position);
    }

    @Override
    public synchronized List<DurableRow> transaction(String channel, long first, long last, int sender) {
        check();
        transactionReads++;
        Map<Long, Row> byPosition = new HashMap<>();
        for (Row r : rows) {
            byPosition.put(r.position(), r);
        }
        Row low = byPosition.get(first);
        Row high = byPosition.get(last);
        if (low == null || high == null || !low.channel().equals(channel) || !high.channel().equals(channel)
                || low.transaction() != high.transaction() || low.sender() != sender || high.sender() != sender) {
            return null;
        }
        return sorted(rows.stream().filter(r -> r.position() >= first && r.position() <= last).toList(), Integer.MAX_VALUE);
    }

    @Override
    public List<DurableRow> batch(List<Floor> channels, long after, long upTo) {
        CountDownLatch wait = batchesWait;
        if (wait != null) {
            try {
                wait.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return batchNow(channels, after, upTo);
    }

    private synchronized List<DurableRow> batchNow(List<Floor> channels, long after, long upTo) {
        check();
        batchReads++;
        Map<String, Long> floors = floors(channels);
        return sorted(rows.stream().filter(r -> floors.containsKey(r.channel()) && r.position() > floors.get(r.channel())
                && r.position() > after && r.position() <= upTo).toList(), batchRows);
    }

    @Override
    public synchronized Set<String> waiting(List<Floor> channels, long upTo) {
        check();
        waitingReads++;
        Map<String, Long> floors = floors(channels);
        Set<String> waiting = new HashSet<>();
        for (Row r : rows) {
            if (floors.containsKey(r.channel()) && r.position() > floors.get(r.channel()) && r.position() <= upTo) {
                waiting.add(r.channel());
            }
        }
        return waiting;
    }

    @Override
    public boolean absent() {
        return false;
    }

    @Override
    public synchronized OptionalLong oldestPosition() {
        check();
        return rows.stream().mapToLong(Row::position).min();
    }

    @Override
    public synchronized OptionalLong newestPosition() {
        check();
        return rows.stream().mapToLong(Row::position).max();
    }

    private static Map<String, Long> floors(List<Floor> channels) {
        Map<String, Long> floors = new HashMap<>();
        for (Floor f : channels) {
            floors.put(f.channel(), f.after());
        }
        return floors;
    }

    private static List<DurableRow> sorted(List<Row> rows, int limit) {
        return rows.stream().sorted(Comparator.comparingLong(Row::position)).limit(limit)
                .map(r -> new DurableRow(r.position(), r.channel(), r.payload(), Instant.EPOCH)).toList();
    }

    private void check() {
        if (failing) {
            throw new IllegalStateException("relation \"eventserv.events\" does not exist");
        }
    }
}
