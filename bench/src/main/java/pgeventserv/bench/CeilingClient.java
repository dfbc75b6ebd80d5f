package pgeventserv.bench;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.PGStream;
import org.postgresql.core.QueryExecutorBase;
import org.postgresql.core.Utils;

/**
 * The ceiling: a plain pgjdbc client that LISTENs itself and receives the same notifications directly from
 * PostgreSQL, the way the relay's own listener does. Nothing can deliver them to a client faster. Like the relay's
 * listener (the war's {@code postgres.NotificationPeek}), it switches off pgjdbc's 1 ms wait after each notification,
 * so that the ceiling stays the best a pgjdbc listener does rather than a millisecond above it.
 */
final class CeilingClient implements Receivers, AutoCloseable {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int POLL_MILLIS = 100;

    private final Connection connection;
    private final Thread thread;
    private final boolean latencyMode;
    private final Latencies latencies;
    private final AtomicLong received = new AtomicLong();
    private volatile boolean running = true;
    private volatile long recordFrom = Long.MAX_VALUE;
    private volatile String error;

    CeilingClient(Connection connection, String channel, boolean latencyMode, int latencyCapacity) throws SQLException {
        this.connection = connection;
        this.latencyMode = latencyMode;
        this.latencies = new Latencies(latencyMode ? latencyCapacity : 0);
        try (Statement s = connection.createStatement()) {
            s.execute("LISTEN " + Utils.escapeIdentifier(null, channel));
        }
        thread = new Thread(this::receive, "bench-ceiling");
        thread.setDaemon(true);
        thread.start();
    }

    private void receive() {
        PGConnection pg;
        try {
            pg = connection.unwrap(PGConnection.class);
            switchOffPeek(pg);
            long count = 0;
            while (running) {
                PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                if (notifications == null) {
                    continue;
                }
                long now = latencyMode ? EpochMicros.now() : 0;
                for (PGNotification n : notifications) {
                    count++;
                    if (latencyMode) {
                        long sent = sentMicros(n.getParameter());
                        if (sent >= recordFrom) {
                            latencies.add(now - sent);
                        }
                    }
                }
                received.lazySet(count);
            }
        } catch (SQLException e) {
            error = e.getMessage();
        }
    }

    /**
     * pgjdbc reads for 1 ms after every notification to see whether more follow, meaning to do it once a second at
     * most; its throttle is never set when that read times out. Set to "never", it answers from what is buffered.
     */
    private static void switchOffPeek(PGConnection pg) throws SQLException {
        try {
            Object stream = accessible(QueryExecutorBase.class.getDeclaredField("pgStream"))
                    .get(((BaseConnection) pg).getQueryExecutor());
            accessible(PGStream.class.getDeclaredField("nextStreamAvailableCheckTime")).setLong(stream, Long.MAX_VALUE);
        } catch (ReflectiveOperationException e) {
            throw new SQLException("this pgjdbc has no notification peek to switch off", e);
        }
    }

    private static Field accessible(Field field) {
        field.setAccessible(true);
        return field;
    }

    /** The decimal send time that starts a bench payload, or -1. */
    static long sentMicros(String payload) {
        long value = 0;
        int i = 0;
        for (; i < payload.length(); i++) {
            int d = payload.charAt(i) - '0';
            if (d < 0 || d > 9) {
                break;
            }
            value = value * 10 + d;
        }
        return i == 0 ? -1 : value;
    }

    void recordFrom(long epochMicros) {
        recordFrom = epochMicros;
    }

    String error() {
        return error;
    }

    @Override
    public long minReceived() {
        return received.get();
    }

    @Override
    public long totalReceived() {
        return received.get();
    }

    @Override
    public long[] threadCpuNanos() {
        return new long[] {Math.max(0, THREADS.getThreadCpuTime(thread.getId()))};
    }

    /** Stops receiving and closes the connection; {@link #latencies} is complete afterwards. */
    @Override
    public void close() throws SQLException {
        running = false;
        try {
            thread.join(POLL_MILLIS * 50L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connection.close();
    }

    Latencies latencies() {
        return latencies;
    }
}
