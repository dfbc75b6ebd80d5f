package pgeventserv.postgres;

import pgeventserv.config.Setting;

/**
 * Every SQL string the server runs on the durable events' schema, built once from its name ({@code DurableSchema},
 * {@code eventserv} when unset), so the reads, the retention and the check at start all name the same schema.
 * Immutable: any thread.
 */
public final class DurableSql {

    /** The schema sql/pg_eventserv.sql creates when {@code DurableSchema} is not set. */
    public static final String DEFAULT_SCHEMA = "eventserv";

    /** The version of sql/pg_eventserv.sql this server reads: its last step. */
    public static final int VERSION = 4;

    // The running byte count stops the page early; octet_length of a stored (toasted) payload does not read it.
    private static final String PAGE = """
            SELECT position, channel, payload, time FROM (
              SELECT position, channel, payload, time,
                     sum(octet_length(payload)) OVER (ORDER BY position ROWS UNBOUNDED PRECEDING) - octet_length(payload) AS bytes_before
                FROM %1$s.events
               WHERE position >= ? AND position <= ?
               ORDER BY position
               LIMIT ?) page
             WHERE bytes_before < ?
             ORDER BY position""";

    // The first page of a hint's range, only when both its ends are its channel's rows of one transaction committed
    // by the session that sent the hint (rows stored before the sender was recorded pass on the rest).
    private static final String HINTED = """
            WITH ends AS (
              SELECT count(*) AS n, count(DISTINCT xid) AS transactions,
                     bool_and(channel = ? AND coalesce(sender = ?, true)) AS own
                FROM %1$s.events WHERE position = ? OR position = ?)
            SELECT first.position, first.channel, first.payload, first.time FROM ends, LATERAL (%2$s) first
             WHERE ends.n = ? AND ends.transactions = 1 AND ends.own
             ORDER BY first.position""";

    // Channels, each above its own floor: %2$s in the two below.
    private static final String FLOORS = "unnest(?::text[], ?::bigint[]) AS f(channel, after)";

    private static final String PAGE_OF_CHANNELS = """
            SELECT position, channel, payload, time FROM (
              SELECT e.position, e.channel, e.payload, e.time,
                     sum(octet_length(e.payload)) OVER (ORDER BY e.position ROWS UNBOUNDED PRECEDING) - octet_length(e.payload) AS bytes_before
                FROM %1$s.events e JOIN %2$s ON e.channel = f.channel AND e.position > f.after
               WHERE e.position > ? AND e.position <= ?
               ORDER BY e.position
               LIMIT ?) page
             WHERE bytes_before < ?
             ORDER BY position""";

    private static final String WAITING = """
            SELECT f.channel FROM %2$s
             WHERE EXISTS (SELECT FROM %1$s.events e
                            WHERE e.channel = f.channel AND e.position > f.after AND e.position <= ?)""";

    private static final String RETENTION = """
            DELETE FROM %1$s.events WHERE entry IN (
              SELECT entry FROM %1$s.events
               WHERE time < now() - make_interval(secs => ?) AND position IS NOT NULL
               LIMIT ?)""";

    // What the check at start needs, in one row, from the catalogs, so nothing fails when the schema or a table is
    // missing or out of reach: the schema, whether this role may read its version, whether it may read and delete
    // the events, and whether an earlier release's schema is there.
    private static final String STATE = """
            WITH s AS (SELECT (SELECT oid FROM pg_namespace WHERE nspname = '%1$s') AS oid),
                 t AS (SELECT c.relname, has_table_privilege(c.oid, 'SELECT') AS reads, has_table_privilege(c.oid, 'DELETE') AS deletes
                         FROM pg_class c, s WHERE c.relnamespace = s.oid)
            SELECT s.oid IS NOT NULL,
                   coalesce(has_schema_privilege(s.oid, 'USAGE') AND (SELECT reads FROM t WHERE relname = 'installed'), false),
                   coalesce(has_schema_privilege(s.oid, 'USAGE') AND (SELECT reads AND deletes FROM t WHERE relname = 'events'), false),
                   EXISTS (SELECT FROM pg_namespace WHERE nspname = 'pg_eventserv')
              FROM s""";

    private final String schema;
    private final String page;
    private final String hinted;
    private final String pageOfChannels;
    private final String waiting;
    private final String newestPosition;
    private final String oldestPosition;
    private final String retentionDelete;
    private final String state;
    private final String version;

    /** @throws IllegalArgumentException when the name is not one {@code DurableSchema} takes (a {@code pg_} name) */
    public DurableSql(String schema) {
        this.schema = Setting.DURABLE_SCHEMA.check(schema);
        this.page = PAGE.formatted(this.schema);
        this.hinted = HINTED.formatted(this.schema, this.page);
        this.pageOfChannels = PAGE_OF_CHANNELS.formatted(this.schema, FLOORS);
        this.waiting = WAITING.formatted(this.schema, FLOORS);
        this.newestPosition = "SELECT max(position) FROM " + this.schema + ".events";
        this.oldestPosition = "SELECT min(position) FROM " + this.schema + ".events";
        this.retentionDelete = RETENTION.formatted(this.schema);
        this.state = STATE.formatted(this.schema);
        this.version = "SELECT coalesce(max(version), 0) FROM " + this.schema + ".installed";
    }

    public String schema() {
        return schema;
    }

    /** The events table, qualified: for messages. */
    public String events() {
        return schema + ".events";
    }

    String page() {
        return page;
    }

    String hinted() {
        return hinted;
    }

    String pageOfChannels() {
        return pageOfChannels;
    }

    String waiting() {
        return waiting;
    }

    String newestPosition() {
        return newestPosition;
    }

    String oldestPosition() {
        return oldestPosition;
    }

    String retentionDelete() {
        return retentionDelete;
    }

    String state() {
        return state;
    }

    String version() {
        return version;
    }
}
