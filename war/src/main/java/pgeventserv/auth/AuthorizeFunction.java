package pgeventserv.auth;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import pgeventserv.fanout.filter.Filter;
import pgeventserv.fanout.filter.FilterException;

/**
 * {@code AuthorizeFunction}: the SQL function {@code (claims jsonb, channel text)} that decides, with the
 * database's own knowledge, whether a token may listen to a channel, and what of it: {@code returns boolean}
 * (true: all of it; false or null: refused), or {@code returns text[]}, a filter in the language of DESIGN §13
 * (null: refused; an empty array: all of it), so that one channel can carry every tenant's rows and each token see
 * its own. Called on a pooled connection of the server's DataSource (never the LISTEN connection, which only the
 * listener thread may touch), its answers kept {@value #CACHE_SECONDS} s per token and channel.
 */
final class AuthorizeFunction {

    static final int CACHE_SECONDS = 10;
    static final int CACHE_ENTRIES = 10_000;
    private static final int QUERY_TIMEOUT_SECONDS = 5;
    /** A function name, schema-qualified or not, each part a plain or a double-quoted identifier. */
    private static final Pattern NAME = Pattern.compile(
            "(?:(?:[A-Za-z_][A-Za-z0-9_$]*|\"(?:[^\"]|\"\")+\")\\.)?(?:[A-Za-z_][A-Za-z0-9_$]*|\"(?:[^\"]|\"\")+\")");

    private final DataSource dataSource;
    private final String sql;
    private final DecisionCache<Optional<Filter>> cache = new DecisionCache<>(TimeUnit.SECONDS.toNanos(CACHE_SECONDS),
            CACHE_ENTRIES, System::nanoTime);
    private final int maxFilters;

    /**
     * @param maxFilters the most conditions a filter it returns may have ({@code MaxFiltersPerSubscriber})
     * @throws IllegalArgumentException when the name is not a function name (it is put into SQL)
     */
    AuthorizeFunction(DataSource dataSource, String name, int maxFilters) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("AuthorizeFunction must name a SQL function, such as"
                    + " public.may_listen, not '" + name + "'");
        }
        this.dataSource = dataSource;
        this.maxFilters = maxFilters;
        this.sql = "SELECT " + name + "(?::jsonb, ?::text)";
    }

    /**
     * What of the channel the token may see: empty when refused, {@link Filter#NONE} for all of it.
     *
     * @throws SQLException when the database cannot answer (the function is missing, fails, or times out) or
     *                      returns a filter that cannot be read
     */
    Optional<Filter> allows(Grant grant, String channel) throws SQLException {
        try {
            return cache.answer(grant.cacheKey(), channel, () -> call(grant.claimsJson(), channel));
        } catch (SQLException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new SQLException(e);
        }
    }

    private Optional<Filter> call(String claims, String channel) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            statement.setString(1, claims);
            statement.setString(2, channel);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() ? decision(result.getObject(1)) : Optional.empty();
            }
        }
    }

    /** A boolean allows all or nothing; an array of text is a filter; null refuses. */
    private Optional<Filter> decision(Object answer) throws SQLException {
        if (answer instanceof Boolean allowed) {
            return allowed ? Optional.of(Filter.NONE) : Optional.empty();
        }
        if (answer instanceof Array array) {
            Object[] items = (Object[]) array.getArray();
            if (Arrays.stream(items).anyMatch(item -> !(item instanceof String))) {
                throw new SQLException("the function's filter holds a null or a non-text element");
            }
            List<String> conditions = Arrays.stream(items).map(String.class::cast).toList();
            try {
                return Optional.of(Filter.parse(conditions, maxFilters));
            } catch (FilterException e) {
                throw new SQLException("the function returned a filter that cannot be read: " + e.getMessage(), e);
            }
        }
        if (answer == null) {
            return Optional.empty();
        }
        throw new SQLException("the function returns " + answer.getClass().getSimpleName()
                + ": it must return boolean or text[]");
    }
}
