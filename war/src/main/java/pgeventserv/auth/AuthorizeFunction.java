package pgeventserv.auth;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import pgeventserv.postgres.DurableConnections;

/**
 * {@code AuthorizeFunction}: the SQL function {@code (claims jsonb, channel text) returns boolean} that decides,
 * with the database's own knowledge, whether a token may listen to a channel. Called on a pooled connection of the
 * server's DataSource (never the LISTEN connection, which only the listener thread may touch) in the
 * {@link DurableConnections.Lane#AUTHORIZE} lane, so handshakes never take the connection the LISTEN reconnect needs;
 * its answers kept {@value #CACHE_SECONDS} s per token and channel, one question in flight per token and channel,
 * which the others wait for {@value #WAIT_SECONDS} s at most.
 */
final class AuthorizeFunction {

    static final int CACHE_SECONDS = 10;
    static final int CACHE_ENTRIES = 10_000;
    private static final int QUERY_TIMEOUT_SECONDS = 5;
    /** Those who share a question in flight wait for it no longer than it may take. */
    static final int WAIT_SECONDS = QUERY_TIMEOUT_SECONDS;
    /** A function name, schema-qualified or not, each part a plain or a double-quoted identifier. */
    private static final Pattern NAME = Pattern.compile(
            "(?:(?:[A-Za-z_][A-Za-z0-9_$]*|\"(?:[^\"]|\"\")+\")\\.)?(?:[A-Za-z_][A-Za-z0-9_$]*|\"(?:[^\"]|\"\")+\")");

    private final DurableConnections connections;
    private final String sql;
    private final DecisionCache cache = new DecisionCache(TimeUnit.SECONDS.toNanos(CACHE_SECONDS),
            TimeUnit.SECONDS.toNanos(WAIT_SECONDS), CACHE_ENTRIES, System::nanoTime);

    /** @throws IllegalArgumentException when the name is not a function name (it is put into SQL) */
    AuthorizeFunction(DurableConnections connections, String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("AuthorizeFunction must name a SQL function, such as"
                    + " public.may_listen, not '" + name + "'");
        }
        this.connections = connections;
        this.sql = "SELECT " + name + "(?::jsonb, ?::text)";
    }

    /** @throws SQLException when the database cannot answer (the function is missing, fails, or times out) */
    boolean allows(Grant grant, String channel) throws SQLException {
        try {
            return cache.allows(grant.cacheKey(), channel, () -> call(grant.claimsJson(), channel));
        } catch (SQLException | RuntimeException e) {
            throw e;
        } catch (TimeoutException e) {
            throw new SQLException("the same question has been in flight for " + WAIT_SECONDS + " s", e);
        } catch (Exception e) {
            throw new SQLException(e);
        }
    }

    private boolean call(String claims, String channel) throws SQLException {
        return connections.run(DurableConnections.Lane.AUTHORIZE, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                statement.setString(1, claims);
                statement.setString(2, channel);
                try (ResultSet result = statement.executeQuery()) {
                    return result.next() && result.getBoolean(1);
                }
            }
        });
    }
}
