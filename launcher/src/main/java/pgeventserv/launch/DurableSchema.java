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
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import pgeventserv.config.ConnectionSettings;

/**
 * {@code sql/pg_eventserv.sql}, carried in the jar: {@code --print-sql} prints it, {@code --install-sql} runs it
 * on the configured database in one transaction, with the driver the jar carries (no psql needed). The script
 * itself decides what is missing (its numbered steps); this class only reports the version before and after. The
 * script names the schema {@code eventserv}; with {@code DurableSchema} set, both print and run it with that name.
 */
final class DurableSchema {

    static final String RESOURCE = "/pg_eventserv.sql";
    static final String DEFAULT_SCHEMA = "eventserv";
    /** An earlier release's schema, which the script renames. */
    static final String EARLIER_SCHEMA = "pg_eventserv";

    // The schema's name as a word of its own: not eventserv_relay, not pg_eventserv.
    private static final Pattern SCHEMA_NAME = Pattern.compile("\\b" + DEFAULT_SCHEMA + "\\b");

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

    /** The script for a schema of that name ({@code DurableSchema}, already checked: a plain lowercase name). */
    static String script(String schema) throws IOException {
        return SCHEMA_NAME.matcher(script()).replaceAll(Matcher.quoteReplacement(schema));
    }

    /**
     * Runs the script on the database and returns the line to print; the database's warnings (an install by a
     * superuser, a role it could not create) go to {@code warnings}. {@code maxPayloadBytes}, when the operator
     * configured {@code DurableMaxPayloadBytes}, is written to the schema's {@code settings} in the same transaction.
     */
    static String install(ConnectionSettings database, Path driverJar, String schema, OptionalLong maxPayloadBytes,
                          Consumer<String> warnings) throws IOException, SQLException {
        String script = script(schema);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {driverJar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
             Connection connection = driver(loader).connect(database.jdbcUrl(), database.jdbcProperties())) {
            if (connection == null) {
                throw new SQLException("the PostgreSQL driver does not accept " + database.jdbcUrl());
            }
            connection.setAutoCommit(false);
            try {
                int before = version(connection, schema);
                int earlier = before == 0 ? version(connection, EARLIER_SCHEMA) : 0;
                try (Statement s = connection.createStatement()) {
                    s.execute(script);
                    for (SQLWarning w = s.getWarnings(); w != null; w = w.getNextWarning()) {
                        warnings.accept(w.getMessage());
                    }
                }
                if (maxPayloadBytes.isPresent()) {
                    try (PreparedStatement s = connection.prepareStatement(
                            "UPDATE " + schema + ".settings SET value = ? WHERE name = 'DurableMaxPayloadBytes'")) {
                        s.setString(1, Long.toString(maxPayloadBytes.getAsLong()));
                        s.executeUpdate();
                    }
                }
                int after = version(connection, schema);
                connection.commit();
                String from = earlier > 0 ? "upgraded from version " + earlier + " (schema " + EARLIER_SCHEMA + ") to"
                        : before == 0 ? "installed at" : "upgraded from version " + before + " to";
                return before == after
                        ? "schema " + schema + " is up to date (version " + after + ") in " + database.describe()
                        : "schema " + schema + " " + from + " version " + after + " in " + database.describe();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private static int version(Connection connection, String schema) throws SQLException {
        if (number(connection, "SELECT count(*) FROM pg_tables WHERE schemaname = '" + schema + "' AND tablename = 'installed'") == 0) {
            return 0;
        }
        return number(connection, "SELECT coalesce(max(version), 0) FROM " + schema + ".installed");
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
