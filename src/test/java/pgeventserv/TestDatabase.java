package pgeventserv;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

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

    /** A connection to a postgresql:// URL. */
    public static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(url), properties(url));
    }

    /** The jdbc:postgresql: form of a postgresql:// URL, without its user and password. */
    public static String jdbcUrl(String url) {
        URI uri = URI.create(url);
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return "jdbc:postgresql://" + uri.getHost() + ":" + port + uri.getRawPath() + query;
    }

    /** The user and password of a postgresql:// URL as JDBC connection properties. */
    public static Properties properties(String url) {
        Properties props = new Properties();
        String userInfo = URI.create(url).getRawUserInfo();
        if (userInfo != null) {
            String[] parts = userInfo.split(":", 2);
            props.setProperty("user", decode(parts[0]));
            if (parts.length == 2) {
                props.setProperty("password", decode(parts[1]));
            }
        }
        return props;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
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
