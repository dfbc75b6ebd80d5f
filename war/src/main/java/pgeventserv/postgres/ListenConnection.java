package pgeventserv.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

/**
 * The one LISTEN connection, from the server's DataSource, for as long as it works: LISTEN and UNLISTEN statements
 * (many in one round trip), the canary's NOTIFY, and polls for notifications.
 *
 * <p>Listener thread only: pgjdbc has no background reader, and no other thread may use the connection while a poll
 * waits on it. Every wait on the server is bounded by a network timeout, so a silently cut network shows as a failed
 * query, hence a reconnect, not a hang. A broken connection is aborted, never just closed: a container pool (Payara's
 * at least) takes a closed connection back as healthy and would hand the dead one out again, forever.
 */
final class ListenConnection {

    private static final Logger LOG = Logger.getLogger(ListenConnection.class.getName());
    /** A query (the canary's NOTIFY, a LISTEN) that gets no answer this long means a dead connection. */
    static final int NETWORK_TIMEOUT_MILLIS = 10_000;
    /** Statements sent in one round trip at most (a reconnect with thousands of channels takes a few). */
    static final int MAX_STATEMENTS_PER_ROUND_TRIP = 1_000;

    private final Connection connection;
    private final DriverNotifications notifications;
    private final StallWatch stall;
    private long lastHeardMillis = System.currentTimeMillis();

    private ListenConnection(Connection connection, DriverNotifications notifications, StallWatch stall) {
        this.connection = connection;
        this.notifications = notifications;
        this.stall = stall;
    }

    /**
     * A fresh connection from the DataSource named in JNDI, in autocommit, its waits bounded; each round trip of
     * statements timed by {@code stall} while it is out (a poll is no round trip: it only reads what arrived).
     */
    static ListenConnection open(String dataSourceName, StallWatch stall) throws SQLException, NamingException {
        DataSource dataSource = (DataSource) new InitialContext().lookup(dataSourceName);
        Connection connection = dataSource.getConnection();
        try {
            connection.setAutoCommit(true);
            limitNetworkWait(connection);
            return new ListenConnection(connection, DriverNotifications.of(connection), stall);
        } catch (SQLException | RuntimeException e) {
            abort(connection);
            throw e;
        }
    }

    private static void limitNetworkWait(Connection connection) throws SQLException {
        try {
            connection.setNetworkTimeout(Runnable::run, NETWORK_TIMEOUT_MILLIS);
        } catch (SQLFeatureNotSupportedException | UnsupportedOperationException e) {
            LOG.fine("the DataSource's connections do not support a network timeout");
        }
    }

    /** Runs the statements in order, as few round trips as {@link #MAX_STATEMENTS_PER_ROUND_TRIP} allows. */
    void execute(List<String> sql) throws SQLException {
        for (int from = 0; from < sql.size(); from += MAX_STATEMENTS_PER_ROUND_TRIP) {
            List<String> part = sql.subList(from, Math.min(sql.size(), from + MAX_STATEMENTS_PER_ROUND_TRIP));
            roundTrip(() -> {
                try (Statement statement = connection.createStatement()) {
                    if (part.size() == 1) {
                        statement.execute(part.get(0));
                    } else {
                        for (String s : part) {
                            statement.addBatch(s);
                        }
                        statement.executeBatch();
                    }
                }
            });
        }
    }

    /** {@code SELECT pg_notify(channel, payload)}: the canary. */
    void notify(String channel, String payload) throws SQLException {
        roundTrip(() -> {
            try (PreparedStatement s = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
                s.setString(1, channel);
                s.setString(2, payload);
                s.execute();
            }
        });
    }

    @FunctionalInterface
    private interface RoundTrip {
        void run() throws SQLException;
    }

    /** One round trip, timed by the stall watch while it is out; its answer proves the connection delivers. */
    private void roundTrip(RoundTrip work) throws SQLException {
        stall.started(System.nanoTime());
        try {
            work.run();
            lastHeardMillis = System.currentTimeMillis();
        } finally {
            stall.ended();
        }
    }

    /** The notifications received so far, each to {@code receiver}, waiting at most {@code millis} for the first. */
    int poll(int millis, DriverNotifications.Receiver receiver) throws SQLException {
        int heard = notifications.poll(millis, receiver);
        if (heard > 0) {
            lastHeardMillis = System.currentTimeMillis();
        }
        return heard;
    }

    /**
     * When the connection last proved it delivers: opened, a round trip answered, or notifications read (an empty
     * poll proves nothing: a silently cut network reads as empty too). Wall-clock milliseconds.
     */
    long lastHeardMillis() {
        return lastHeardMillis;
    }

    /** Who and where, for the log: the user and the URL, never a password. */
    String describe() throws SQLException {
        var meta = connection.getMetaData();
        return meta.getUserName() + " at " + meta.getURL();
    }

    /** Undeploy: back to the pool listening to nothing, so nobody inherits our LISTENs; aborted if that fails. */
    void release() {
        try (Statement statement = connection.createStatement()) {
            statement.execute("UNLISTEN *");
            connection.close();
        } catch (SQLException | RuntimeException e) {
            abort(connection);
        }
    }

    /** The connection is broken: the pool must discard it, not hand it out again. */
    void abort() {
        abort(connection);
    }

    private static void abort(Connection connection) {
        try {
            connection.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.FINE, "aborting the LISTEN connection", e);
            try {
                connection.close();
            } catch (SQLException | RuntimeException closing) {
                LOG.log(Level.FINE, "closing the LISTEN connection", closing);
            }
        }
    }
}
