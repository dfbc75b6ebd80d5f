package pgeventserv.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The one connection that sends every notification of a phase. A batch is one statement, so one
 * transaction, and each payload is distinct within it (PostgreSQL folds identical payloads of one
 * transaction into one): {@code <send time in epoch microseconds> <sequence number>} padded with {@code x}
 * to the payload size. The send time is read just before the statement goes out.
 *
 * <p>Over several channels ({@link #channelName}), notification {@code i} goes to channel {@code i % channels}: the
 * channels take turns, so after {@code sent} notifications every channel has had at least {@code sent / channels}.
 *
 * <p>With tenants ({@link #json}), payloads are JSON objects, {@code {"at":<send time>,"tenant":<i % tenants>,
 * "s":"<i>xx…"}}, for the filters phase: the send time still comes first among the digits, where the clients read
 * it; when each tenant has its own receiver (a filter), the tenants take turns as channels do.
 */
final class Producer implements AutoCloseable {

    /** A phase's timeline as the producer saw it; rates are over the measured window only. */
    record Run(long sent, long measuredNanos, long receivedInWindow, long notificationsInWindow, String stalled) {

        double deliveriesPerSecond() {
            return receivedInWindow * 1e9 / measuredNanos;
        }

        double notificationsPerSecond() {
            return notificationsInWindow * 1e9 / measuredNanos;
        }
    }

    /** Called at the two ends of the measured window, so other figures (CPU) cover the same span. */
    interface Window {
        void mark(boolean start);
    }

    static final int MIN_PAYLOAD = 32;
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(20);

    /** Notifications per transaction at most, whatever the backlog allows. */
    static final int MAX_BATCH = 10_000;

    private final Connection connection;
    private final PreparedStatement batch;
    private final String channel;
    /** Receivers that take turns: each gets {@code sent / shares} (channels, or tenants each with its own filter). */
    private final int shares;
    private final int payloadBytes;

    Producer(Connection connection, String channel, int payloadBytes) throws SQLException {
        this(connection, channel, 1, payloadBytes);
    }

    /** With {@code channels > 1}, sends to {@link #channelName}{@code (channel, channels, 0 .. channels - 1)}. */
    Producer(Connection connection, String channel, int channels, int payloadBytes) throws SQLException {
        this(connection, channel, channels, payloadBytes, 0, channels);
    }

    /**
     * JSON payloads on one channel, tenant {@code i % tenants}; {@code filtered}: each receiver takes one tenant's
     * (every receiver gets {@code sent / tenants}), else every receiver gets every notification.
     */
    static Producer json(Connection connection, String channel, int tenants, boolean filtered, int payloadBytes)
            throws SQLException {
        return new Producer(connection, channel, 1, payloadBytes, tenants, filtered ? tenants : 1);
    }

    private Producer(Connection connection, String channel, int channels, int payloadBytes, int tenants, int shares)
            throws SQLException {
        if (payloadBytes < MIN_PAYLOAD) {
            throw new IllegalArgumentException("payloads need at least " + MIN_PAYLOAD + " bytes for the send time and sequence");
        }
        this.connection = connection;
        this.channel = channel;
        this.shares = shares;
        this.payloadBytes = payloadBytes;
        try (Statement s = connection.createStatement()) {
            // A NOTIFY transaction has an xid: without this every batch would wait for a WAL flush.
            s.execute("SET synchronous_commit = off");
        }
        String target = channels == 1 ? "?::text" : "?::text || '_' || (i % " + channels + ")";
        String payload = tenants == 0 ? "rpad(? || ' ' || i, ?, 'x')"
                : "'{\"at\":' || ? || ',\"tenant\":' || (i % " + tenants + ") || ',\"s\":\"' || rpad(i::text, ?, 'x') || '\"}'";
        batch = connection.prepareStatement("SELECT count(*) FROM (SELECT pg_notify(" + target + ", " + payload + ")"
                + " FROM generate_series(?::bigint, ?::bigint) AS i) AS sent");
    }

    /** The name of channel {@code index} of a phase over {@code channels} channels named after {@code base}. */
    static String channelName(String base, int channels, int index) {
        return channels == 1 ? base : base + "_" + index;
    }

    /** Notifications each receiver has been sent once {@code sent} went out: the channels take turns. */
    static long perReceiver(long sent, int channels) {
        return sent / channels;
    }

    /**
     * Notifications in the next transaction of a flat-out run: the backlog's batch for every channel (so each gets
     * its share), at most {@link #MAX_BATCH}, rounded down to whole turns of the channels when there is room for one.
     */
    static int batchSize(int perReceiverBatch, int channels) {
        long count = Math.min((long) perReceiverBatch * channels, MAX_BATCH);
        if (count >= channels) {
            count -= count % channels;
        }
        return (int) Math.max(1, count);
    }

    /** Sends notifications {@code first .. first + count - 1} in one transaction. */
    void send(long first, int count) throws SQLException {
        batch.setString(1, channel);
        batch.setString(2, Long.toString(EpochMicros.now()));
        batch.setInt(3, payloadBytes);
        batch.setLong(4, first);
        batch.setLong(5, first + count - 1);
        batch.executeQuery().close();
    }

    /**
     * As fast as the receivers keep up: a batch goes out only while every receiver is at most a
     * {@link Backlog} window behind (at most {@code maxBacklog}), so the relay's per-client queues stay well
     * under their bound (an overflowing client would be closed as too slow) and there is always work queued.
     */
    Run flatOut(Receivers receivers, int receiverCount, long maxBacklog, long warmupNanos, long measureNanos,
                long maxNotifications, Window marks) throws SQLException {
        Span span = new Span(receivers, marks, warmupNanos, measureNanos);
        Backlog backlog = new Backlog(maxBacklog, System.nanoTime());
        long sent = 0;
        long lastMin = -1;
        long lastProgress = System.nanoTime();
        String stalled = null;
        for (long now; !span.over(now = System.nanoTime()) && sent < maxNotifications; ) {
            long min = receivers.minReceived();
            if (min != lastMin) {
                lastMin = min;
                lastProgress = now;
            } else if (now - lastProgress > STALL_NANOS) {
                stalled = "the slowest client received nothing for " + TimeUnit.NANOSECONDS.toSeconds(STALL_NANOS) + " s";
                break;
            }
            backlog.observe(now, min);
            int count = (int) Math.min(batchSize(backlog.batch(), shares), maxNotifications - sent);
            if (perReceiver(sent + count, shares) - min <= backlog.window()) {
                send(sent, count);
                sent += count;
            } else {
                LockSupport.parkNanos(200_000);
            }
        }
        return span.finish(sent, receiverCount, stalled);
    }

    /**
     * A steady {@code perSecond} notifications, sent as whatever is due every millisecond (a late tick sends
     * what it owes, at most a tenth of a second's worth).
     */
    Run atRate(Receivers receivers, int receiverCount, int perSecond, long warmupNanos, long measureNanos,
               Window marks) throws SQLException {
        Span span = new Span(receivers, marks, warmupNanos, measureNanos);
        long start = System.nanoTime();
        long sent = 0;
        for (long now; !span.over(now = System.nanoTime()); ) {
            long due = (now - start) * perSecond / 1_000_000_000L - sent;
            if (due > 0) {
                int count = (int) Math.min(due, Math.max(1, perSecond / 10));
                send(sent, count);
                sent += count;
            } else {
                LockSupport.parkNanos(1_000_000L);
            }
        }
        return span.finish(sent, receiverCount, null);
    }

    /** Warm-up, then the measured window: what the receivers got and spent between its two ends. */
    private static final class Span {
        private final Receivers receivers;
        private final Window marks;
        private final long measureFrom;
        private final long end;
        private boolean started;
        private long startNanos;
        private long receivedAtStart;

        Span(Receivers receivers, Window marks, long warmupNanos, long measureNanos) {
            this.receivers = receivers;
            this.marks = marks;
            this.measureFrom = System.nanoTime() + warmupNanos;
            this.end = measureFrom + measureNanos;
        }

        /** Starts the measured window when its time comes; true once the phase is over. */
        boolean over(long now) {
            if (!started && now >= measureFrom) {
                begin(now);
            }
            return now >= end;
        }

        private void begin(long now) {
            started = true;
            startNanos = now;
            receivedAtStart = receivers.totalReceived();
            marks.mark(true);
        }

        Run finish(long sent, int receiverCount, String stalled) {
            long now = System.nanoTime();
            if (!started) {
                begin(now);
            }
            long received = receivers.totalReceived() - receivedAtStart;
            marks.mark(false);
            return new Run(sent, Math.max(1, now - startNanos), received, received / Math.max(1, receiverCount), stalled);
        }
    }

    /** Waits, bounded, until every receiver has all {@code sent} notifications; returns how many are missing. */
    static long drain(Receivers receivers, int receiverCount, long sent, long timeoutNanos) {
        return drain(receivers, sent, sent * receiverCount, timeoutNanos);
    }

    /**
     * Waits, bounded, until the receivers together have {@code total} deliveries, the slowest at least {@code each};
     * returns the deliveries missing.
     */
    static long drain(Receivers receivers, long each, long total, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while ((receivers.minReceived() < each || receivers.totalReceived() < total) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return total - receivers.totalReceived();
    }

    @Override
    public void close() throws SQLException {
        batch.close();
        connection.close();
    }
}
