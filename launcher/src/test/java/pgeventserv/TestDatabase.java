package pgeventserv;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import pgeventserv.config.ConnectionSettings;
import pgeventserv.config.DatabaseUrl;

/**
 * The real PostgreSQL the tests talk to: {@code test.database.url} (a postgresql:// URL), by default the
 * machine's server at 127.0.0.1:5432. Other programs share it, so tests use unique channel names.
 */
public final class TestDatabase implements AutoCloseable {

    public static final String URL = System.getProperty("test.database.url", "postgresql://postgres@127.0.0.1:5432/test");
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final Connection connection;

    public TestDatabase() throws SQLException {
        this.connection = connect();
    }

    public static Connection connect() throws SQLException {
        return connect(URL);
    }

    /** A connection to a database named as users name it ({@code DATABASE_URL}'s forms), read as the launcher reads it. */
    public static Connection connect(String url) throws SQLException {
        ConnectionSettings db = DatabaseUrl.parse(url, Map.of(), System.getProperty("user.name"));
        return DriverManager.getConnection(db.jdbcUrl(), db.jdbcProperties());
    }

    /** A channel name no other test or program uses. */
    public static String uniqueChannel(String prefix) {
        return prefix + "_" + ProcessHandle.current().pid() + "_" + SEQUENCE.incrementAndGet() + "_" + System.nanoTime() % 100_000;
    }

    public void notify(String channel, String payload) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
            s.setString(1, channel);
            s.setString(2, payload);
            s.execute();
        }
    }

    public void execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    public Connection connection() {
        return connection;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
