package pgeventserv.postgres;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The durable events in the application: {@link DurableEvents} on the server's DataSource for the fan-out, and
 * {@link Retention} run on the server's scheduler, each round after the {@link DurableSchemaCheck} until that could
 * ask the database (the first round, 10 s after start, normally). Bean-managed transactions keep the container from enlisting
 * the pooled connections: each read is one autocommit query, each delete batch its own transaction.
 */
@Startup
@Singleton
@TransactionManagement(TransactionManagementType.BEAN)
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class DurableStore {

    private static final Logger LOG = Logger.getLogger(DurableStore.class.getName());
    private static final Duration MAX_RETENTION_INTERVAL = Duration.ofMinutes(1);
    private static final Duration MIN_RETENTION_INTERVAL = Duration.ofSeconds(1);
    private static final Duration FIRST_RETENTION_DELAY = Duration.ofSeconds(10);

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "DataSource")
    String dataSourceName;

    @Inject
    @ConfigProperty(name = "DurableMaxPayloadBytes")
    long maxPayloadBytes;

    @Inject
    @ConfigProperty(name = "DurableRetention")
    Duration retention;

    @Inject
    @ConfigProperty(name = "DbPoolMaxConns")
    int poolMaxConnections;

    @Inject
    @ConfigProperty(name = "DurableSchema")
    Optional<String> schema;

    private DurableTable table = new DurableTable(new DurableSql(DurableSql.DEFAULT_SCHEMA));
    private DurableSchemaCheck check;
    private DurableEvents events;
    private DurableConnections connections;
    private ScheduledFuture<?> retentionRuns;

    @PostConstruct
    void start() {
        DurableSql sql;
        try {
            sql = new DurableSql(schema.orElse(DurableSql.DEFAULT_SCHEMA));
        } catch (IllegalArgumentException e) {
            LOG.severe("durable events off: " + e.getMessage());
            return;
        }
        table = new DurableTable(sql);
        check = new DurableSchemaCheck(sql, schema.isPresent());
        DataSource dataSource;
        try {
            dataSource = (DataSource) new InitialContext().lookup(dataSourceName);
        } catch (NamingException e) {
            LOG.warning("durable events off: no DataSource " + dataSourceName + ": " + e);
            return;
        }
        // Reads, deletes and the AuthorizeFunction share DbPoolMaxConns - 1 connections: the last is the LISTEN
        // connection's.
        connections = new DurableConnections(dataSource, poolMaxConnections);
        events = new DurableEvents(connections, maxPayloadBytes, table, poolMaxConnections);
        Retention deletes = new Retention(connections, table);
        long interval = retentionInterval(retention).toMillis();
        // The first round soon after start, once the LISTEN connection has its own: it checks the schema first and
        // finds out whether the table is there (/metrics shows it).
        long first = Math.min(interval, FIRST_RETENTION_DELAY.toMillis());
        retentionRuns = scheduler.scheduleWithFixedDelay(() -> {
            check(connections);
            deleteExpired(deletes);
        }, first, interval, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (retentionRuns != null) {
            retentionRuns.cancel(false);
        }
    }

    /** The reader; null when the server has no DataSource (then nothing durable is delivered). */
    public DurableEvents events() {
        return events;
    }

    /** The pool's share for our own queries, in lanes; null when the server has no DataSource. */
    public DurableConnections connections() {
        return connections;
    }

    public DurableTable table() {
        return table;
    }

    /** What the check at start found; {@code UNCHECKED} until the database could be asked. */
    public DurableSchemaCheck.Finding schemaFinding() {
        return check == null ? DurableSchemaCheck.Finding.UNCHECKED : check.finding();
    }

    /** A tenth of the retention, between a second and a minute: old rows go soon after they expire, without busy polling. */
    static Duration retentionInterval(Duration retention) {
        Duration tenth = retention.dividedBy(10);
        return tenth.compareTo(MIN_RETENTION_INTERVAL) < 0 ? MIN_RETENTION_INTERVAL
                : tenth.compareTo(MAX_RETENTION_INTERVAL) > 0 ? MAX_RETENTION_INTERVAL : tenth;
    }

    /** Once: until it could ask the database, each round asks again. */
    private void check(DurableConnections connections) {
        if (check.finding() != DurableSchemaCheck.Finding.UNCHECKED) {
            return;
        }
        try {
            connections.run(check::run);
        } catch (SQLException | RuntimeException e) {
            LOG.fine(() -> "durable events: the schema could not be checked yet: " + e);
        }
    }

    private void deleteExpired(Retention deletes) {
        try {
            OptionalLong deleted = deletes.deleteOlderThan(retention);
            if (deleted.isPresent() && deleted.getAsLong() > 0) {
                LOG.fine(() -> "durable events: deleted " + deleted.getAsLong() + " older than " + retention);
            }
        } catch (SQLException | RuntimeException e) {
            // DurableTable logged it once; the next round tries again.
            LOG.finest(() -> "durable events: retention round failed: " + e);
        }
    }
}
