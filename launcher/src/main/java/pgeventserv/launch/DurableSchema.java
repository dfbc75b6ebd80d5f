package pgeventserv.launch;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalLong;
import pgeventserv.config.ConnectionSettings;

/**
 * {@code sql/pg_eventserv.sql}, carried in the jar: {@code --print-sql} prints it, {@code --install-sql} runs it
 * on the configured database in one transaction, with the driver the jar carries (no psql needed). The script
 * itself decides what is missing (its numbered steps); this class only reports the version before and after.
 */
final class DurableSchema {

    static final String RESOURCE = "/pg_eventserv.sql";

    private DurableSchema() {
    }

    static String script() throws IOException {
        try (InputStream in = DurableSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("pg_eventserv.sql is missing from the jar: build it with mvn package");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Runs the script on the database and returns the line to print. {@code maxPayloadBytes}, when the operator
     * configured {@code DurableMaxPayloadBytes}, is written to {@code pg_eventserv.settings} in the same transaction.
     */
    static String install(ConnectionSettings database, Path driverJar, OptionalLong maxPayloadBytes) throws IOException, SQLException {
        String script = script();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {driverJar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
             Connection connection = driver(loader).connect(database.jdbcUrl(), database.jdbcProperties())) {
            if (connection == null) {
                throw new SQLException("the PostgreSQL driver does not accept " + database.jdbcUrl());
            }
            connection.setAutoCommit(false);
            try {
                int before = version(connection);
                try (Statement s = connection.createStatement()) {
                    s.execute(script);
                }
                if (maxPayloadBytes.isPresent()) {
                    try (PreparedStatement s = connection.prepareStatement(
                            "UPDATE pg_eventserv.settings SET value = ? WHERE name = 'DurableMaxPayloadBytes'")) {
                        s.setString(1, Long.toString(maxPayloadBytes.getAsLong()));
                        s.executeUpdate();
                    }
                }
                int after = version(connection);
                connection.commit();
                return before == after
                        ? "schema pg_eventserv is up to date (version " + after + ") in " + database.describe()
                        : "schema pg_eventserv " + (before == 0 ? "installed at" : "upgraded from version " + before + " to")
                                + " version " + after + " in " + database.describe();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private static int version(Connection connection) throws SQLException {
        if (number(connection, "SELECT count(*) FROM pg_tables WHERE schemaname = 'pg_eventserv' AND tablename = 'installed'") == 0) {
            return 0;
        }
        return number(connection, "SELECT coalesce(max(version), 0) FROM pg_eventserv.installed");
    }

    private static int number(Connection connection, String query) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery(query)) {
            r.next();
            return r.getInt(1);
        }
    }

    private static Driver driver(ClassLoader loader) throws IOException {
        try {
            return (Driver) Class.forName("org.postgresql.Driver", true, loader).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IOException("cannot load the PostgreSQL driver: " + e, e);
        }
    }
}
