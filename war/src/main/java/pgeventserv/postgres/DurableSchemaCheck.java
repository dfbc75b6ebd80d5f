package pgeventserv.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The check at start of the durable events' schema, as the server's own database role sees it: installed, at the
 * version this server reads, readable and deletable by this role. It says once what is wrong and the command that
 * fixes it, at WARNING when durable events are meant to be used (the schema, or an earlier release's
 * {@code pg_eventserv}, is there, or {@code DurableSchema} is set), at INFO when nothing was ever installed.
 * Plain NOTIFY never depends on it. Runs on the scheduler thread of {@link DurableStore}; the finding is read by
 * any thread ({@code /metrics}).
 */
public final class DurableSchemaCheck {

    /** What the check found. */
    public enum Finding {
        /** Not run yet, or the database could not be asked. */
        UNCHECKED,
        READY,
        /** No schema, and no earlier release's either. */
        MISSING,
        /** The schema {@code pg_eventserv} of an earlier release, not yet upgraded. */
        EARLIER_RELEASE,
        /** Installed at an older version than this server reads. */
        OLDER_VERSION,
        /** Installed at a newer version than this server knows. */
        NEWER_VERSION,
        /** This server's role may not read or delete the events. */
        NO_RIGHTS
    }

    private static final Logger LOG = Logger.getLogger(DurableSchemaCheck.class.getName());

    private final DurableSql sql;
    private final boolean configured;
    private volatile Finding finding = Finding.UNCHECKED;

    /** {@code configured}: {@code DurableSchema} was set, so a missing schema is a mistake, not a choice. */
    public DurableSchemaCheck(DurableSql sql, boolean configured) {
        this.sql = sql;
        this.configured = configured;
    }

    /** Asks the database and logs what is wrong; throws (logging nothing) when the database cannot be asked. */
    public Finding run(Connection c) throws SQLException {
        String user;
        boolean schema;
        boolean versioned;
        boolean rights;
        boolean earlier;
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql.state())) {
            r.next();
            schema = r.getBoolean(1);
            versioned = r.getBoolean(2);
            rights = r.getBoolean(3);
            earlier = r.getBoolean(4);
            user = c.getMetaData().getUserName();
        }
        int version = 0;
        if (versioned) {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql.version())) {
                r.next();
                version = r.getInt(1);
            }
        }
        finding = decide(schema, version, rights, earlier);
        log(finding, version, user);
        return finding;
    }

    public Finding finding() {
        return finding;
    }

    static Finding decide(boolean schema, int version, boolean rights, boolean earlier) {
        if (!schema) {
            return earlier ? Finding.EARLIER_RELEASE : Finding.MISSING;
        }
        if (!rights) {
            return Finding.NO_RIGHTS;
        }
        if (version < DurableSql.VERSION) {
            return Finding.OLDER_VERSION;
        }
        return version > DurableSql.VERSION ? Finding.NEWER_VERSION : Finding.READY;
    }

    private void log(Finding found, int version, String user) {
        String schema = sql.schema();
        String install = "run pg_eventserv --install-sql (or psql --single-transaction -f pg_eventserv.sql) as the database owner";
        switch (found) {
            case READY -> LOG.fine(() -> "durable events: schema " + schema + " version " + version + " ready");
            case MISSING -> LOG.log(configured ? Level.WARNING : Level.INFO, "durable events off: schema " + schema
                    + " is not installed in this database; to use them, " + install + ", then GRANT eventserv_relay TO "
                    + user + "; plain NOTIFY works without it");
            case EARLIER_RELEASE -> LOG.warning("durable events off: this database has the schema pg_eventserv of an earlier"
                    + " release, this server reads " + schema + "; " + install + ": it renames the schema, keeping every event;"
                    + " plain NOTIFY keeps working");
            case OLDER_VERSION -> LOG.warning("durable events: schema " + schema + " is at version " + version
                    + ", this server needs version " + DurableSql.VERSION + "; " + install);
            case NEWER_VERSION -> LOG.warning("durable events: schema " + schema + " is at version " + version
                    + ", newer than this server knows (" + DurableSql.VERSION + "); upgrade this server");
            case NO_RIGHTS -> LOG.warning("durable events: the server's database user " + user + " may not read and delete "
                    + sql.events() + ", so no durable event is delivered; as the database owner run: GRANT eventserv_relay TO "
                    + user + "; plain NOTIFY keeps working");
            case UNCHECKED -> {
            }
        }
    }
}
