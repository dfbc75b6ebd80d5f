package pgeventserv.postgres;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the server knows of the durable events' table ({@link DurableSql#events()}), shared by the reader and the retention: it logs once per
 * change (found, gone, failing, working again), never once per query. Durable events are opt-in, so a schema that
 * was never installed is only a debug line; one that disappears while the server runs is a warning. Plain
 * NOTIFY does not depend on the table and keeps working either way.
 */
public final class DurableTable {

    enum State { UNKNOWN, PRESENT, MISSING, FAILING }

    private static final Logger LOG = Logger.getLogger(DurableTable.class.getName());
    private static final String UNDEFINED_TABLE = "42P01";
    private static final String UNDEFINED_SCHEMA = "3F000";
    private static final String UNDEFINED_FUNCTION = "42883";
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private final AtomicReference<State> state = new AtomicReference<>(State.UNKNOWN);
    private final DurableSql sql;

    public DurableTable(DurableSql sql) {
        this.sql = sql;
    }

    /** The SQL of the schema the table is in. */
    public DurableSql sql() {
        return sql;
    }

    /** A query on the table worked. */
    void worked() {
        State previous = state.getAndSet(State.PRESENT);
        switch (previous) {
            case UNKNOWN -> LOG.fine(() -> "durable events: table " + sql.events() + " found");
            case MISSING -> LOG.info("durable events: table " + sql.events() + " found; durable events are delivered again");
            case FAILING -> LOG.info("durable events: reading " + sql.events() + " works again");
            case PRESENT -> {
            }
        }
    }

    /** A query on the table failed: logged here, once per change of state; the caller only decides what to do next. */
    void failed(SQLException e) {
        boolean missing = isMissing(e);
        State previous = state.getAndSet(missing ? State.MISSING : State.FAILING);
        if (missing && previous == State.UNKNOWN) {
            LOG.fine(() -> "durable events off: schema " + sql.schema() + " is not installed (pg_eventserv --install-sql installs it)");
        } else if (missing && previous != State.MISSING) {
            LOG.warning("durable events: table " + sql.events() + " is gone (" + e.getMessage()
                    + "); durable events are not delivered until it is installed again, plain NOTIFY keeps working");
        } else if (!missing && previous != State.FAILING) {
            String hint = INSUFFICIENT_PRIVILEGE.equals(e.getSQLState()) ? " (GRANT eventserv_relay TO the server's database user)" : "";
            LOG.log(Level.WARNING, "durable events: reading " + sql.events() + " failed: " + e.getMessage() + hint
                    + "; plain NOTIFY keeps working");
        }
    }

    /** The schema is not there (never installed, or dropped): nothing to read and nothing to delete. */
    public boolean missing() {
        return state.get() == State.MISSING;
    }

    /** The last query on the table, read or delete, worked; false before the first (none runs at start). */
    public boolean reachable() {
        return state.get() == State.PRESENT;
    }

    State state() {
        return state.get();
    }

    private static boolean isMissing(SQLException e) {
        String code = e.getSQLState();
        return UNDEFINED_TABLE.equals(code) || UNDEFINED_SCHEMA.equals(code) || UNDEFINED_FUNCTION.equals(code);
    }
}
