package pgeventserv.postgres;

import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The connections of the server's pool that our own queries may hold (durable reads, the retention, the
 * {@code AuthorizeFunction}): at most {@code DbPoolMaxConns} - 1 at once, so one is always left for the LISTEN
 * connection's reconnect, however many queries are waiting on a dead network. Each is borrowed for one piece of work,
 * every wait on the server bounded.
 *
 * <p>Three lanes share them: {@link Lane#LIVE} (reads of live hints, catch-ups after an outage, the retention) may
 * take them all; {@link Lane#RESUME} (resumes reading a client's missed events) and {@link Lane#AUTHORIZE} (the
 * {@code AuthorizeFunction}, asked during handshakes) each at most all but one, so a crowd of resuming clients or
 * of handshakes never leaves live durable events waiting for a connection (with {@code DbPoolMaxConns} of 2 there is
 * one connection to share, and the lanes take turns). A handshake waits for a slot {@value #AUTHORIZE_WAIT_MILLIS}
 * ms at most.
 *
 * <p>A silently cut network leaves idle pooled connections that look open. The bound turns a query on one into a
 * failure after {@link #NETWORK_TIMEOUT_MILLIS} instead of a hang (the pool's own round trip on hand-out has none
 * either, and the timeout stays on the connection). A connection lost that way is aborted, not closed: a closed
 * one goes back to the pool as healthy (Payara's at least) and would fail every read after. The work is then
 * tried once more, on another connection, so a dead pooled connection costs a delay, not a gap.
 */
public final class DurableConnections {

    static final int NETWORK_TIMEOUT_MILLIS = 10_000;
    /** Longer than a query may take: waiting for a slot means others' queries are running into their bound. */
    static final long SLOT_WAIT_MILLIS = 2L * NETWORK_TIMEOUT_MILLIS;
    /** A handshake asking the {@code AuthorizeFunction} is answered 503 rather than wait longer for a slot. */
    static final long AUTHORIZE_WAIT_MILLIS = 5_000;

    private static final Logger LOG = Logger.getLogger(DurableConnections.class.getName());

    /** What is done on a borrowed connection. */
    @FunctionalInterface
    public interface Work<T> {
        T on(Connection connection) throws SQLException;
    }

    /** Who asks for a connection, and how long it waits for a slot: live delivery first. */
    public enum Lane {
        LIVE(SLOT_WAIT_MILLIS), RESUME(SLOT_WAIT_MILLIS), AUTHORIZE(AUTHORIZE_WAIT_MILLIS);

        private final long slotWaitMillis;

        Lane(long slotWaitMillis) {
            this.slotWaitMillis = slotWaitMillis;
        }
    }

    private final DataSource dataSource;
    private final Semaphore slots;
    private final Semaphore resumeSlots;
    private final Semaphore authorizeSlots;
    private final int networkTimeoutMillis;

    /** {@code poolSize}: {@code DbPoolMaxConns}; durable work holds at most one fewer (and at least one). */
    public DurableConnections(DataSource dataSource, int poolSize) {
        this(dataSource, poolSize, NETWORK_TIMEOUT_MILLIS);
    }

    DurableConnections(DataSource dataSource, int poolSize, int networkTimeoutMillis) {
        this.dataSource = dataSource;
        this.slots = new Semaphore(slotsFor(poolSize), true);
        this.resumeSlots = new Semaphore(resumeSlotsFor(poolSize), true);
        this.authorizeSlots = new Semaphore(resumeSlotsFor(poolSize), true);
        this.networkTimeoutMillis = networkTimeoutMillis;
    }

    static int slotsFor(int poolSize) {
        return Math.max(1, poolSize - 1);
    }

    /** The connections resumes (or authorizations) may hold at once: one fewer than all, but at least one. */
    static int resumeSlotsFor(int poolSize) {
        return Math.max(1, slotsFor(poolSize) - 1);
    }

    /** Runs the work on a borrowed connection of the live lane. */
    <T> T run(Work<T> work) throws SQLException {
        return run(Lane.LIVE, work);
    }

    /** Runs the work on a borrowed connection; once more on another when the connection was lost under it. */
    public <T> T run(Lane lane, Work<T> work) throws SQLException {
        Semaphore laneSlots = switch (lane) {
            case RESUME -> resumeSlots;
            case AUTHORIZE -> authorizeSlots;
            case LIVE -> null;
        };
        if (laneSlots == null) {
            return retried(lane, work);
        }
        acquire(laneSlots, lane);
        try {
            return retried(lane, work);
        } finally {
            laneSlots.release();
        }
    }

    private <T> T retried(Lane lane, Work<T> work) throws SQLException {
        try {
            return once(lane, work);
        } catch (SQLException e) {
            if (!lost(e)) {
                throw e;
            }
            LOG.fine(() -> lane + ": a pooled connection was lost (" + e.getMessage() + "); trying another");
            return once(lane, work);
        }
    }

    /** Slots free now: for tests and the curious. */
    int freeSlots() {
        return slots.availablePermits();
    }

    private <T> T once(Lane lane, Work<T> work) throws SQLException {
        acquire(slots, lane);
        try {
            Connection c = dataSource.getConnection();
            boolean lost = false;
            try {
                limitNetworkWait(c);
                return work.on(c);
            } catch (SQLException e) {
                lost = lost(e);
                throw e;
            } finally {
                giveBack(c, lost);
            }
        } finally {
            slots.release();
        }
    }

    private static void acquire(Semaphore slots, Lane lane) throws SQLException {
        try {
            if (!slots.tryAcquire(lane.slotWaitMillis, TimeUnit.MILLISECONDS)) {
                throw new SQLException("no pooled connection for " + lane + " within " + lane.slotWaitMillis + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a pooled connection", e);
        }
    }

    private void limitNetworkWait(Connection c) throws SQLException {
        try {
            c.setNetworkTimeout(Runnable::run, networkTimeoutMillis);
        } catch (SQLFeatureNotSupportedException | UnsupportedOperationException e) {
            // A driver without it: the pool's own settings are all there is.
        }
    }

    private static void giveBack(Connection c, boolean lost) {
        try {
            if (lost) {
                c.abort(Runnable::run);
            } else {
                c.close();
            }
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.FINE, "durable events: giving a pooled connection back", e);
        }
    }

    /** The connection is gone (SQLState class 08, or a timeout on the socket), not the query refused. */
    static boolean lost(SQLException e) {
        String state = e.getSQLState();
        if (state != null && state.startsWith("08")) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }
}
