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
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Owns the one LISTEN connection of the server and its one thread.
 *
 * <p>pgjdbc has no background reader: {@code getNotifications(timeout)} blocks, and no other thread
 * may use the connection meanwhile. So the listener thread is the only one that touches the
 * connection; LISTEN/UNLISTEN requests from other threads go through {@link ListenRequests} and are
 * applied between polls. The poll timeout is short so that a handshake waiting for its LISTEN waits
 * at most that long; notifications themselves wake the poll at once.
 *
 * <p>The connection comes from the server's DataSource and is held for as long as it works: bean-managed
 * transactions keep the container from enlisting it. When it fails it is aborted, which tells the pool to
 * discard it (a plain close would put the dead connection back, and the pool would hand it out again), and a
 * fresh one is taken with capped exponential backoff; every wanted channel is LISTENed again, clients are
 * told of the {@link Gap}, and only then is the state {@code UP}. The log says so once per change of state,
 * never once per attempt. On undeploy the connection is UNLISTENed and returned to the pool clean.
 */
@Startup
@Singleton
@TransactionManagement(TransactionManagementType.BEAN)
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class NotificationListener {

    private static final Logger LOG = Logger.getLogger(NotificationListener.class.getName());
    private static final int POLL_MILLIS = 25;
    private static final long FIRST_ATTEMPT_WAIT_SECONDS = 5;
    /** A query (the canary's NOTIFY, a LISTEN) that gets no answer this long means a dead connection. */
    private static final int NETWORK_TIMEOUT_MILLIS = 10_000;

    @Resource
    ManagedThreadFactory threadFactory;

    @Inject
    Event<Notification> notifications;

    @Inject
    Event<Gap> gaps;

    @Inject
    Event<PollCompleted> pollsCompleted;

    @Inject
    @ConfigProperty(name = "DataSource")
    String dataSourceName;

    private final ListenRequests requests = new ListenRequests();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final CountDownLatch firstAttempt = new CountDownLatch(1);
    private final Instant started = Instant.now();
    private final Canary canary = new Canary();
    private volatile ListenerState state = ListenerState.CONNECTING;
    private Thread thread;

    // Written by the listener thread only; volatile so that metrics read them from other threads.
    private volatile long received;
    private volatile long reconnects;
    // Hand-offs: polls that brought notifications, and the time from the poll's return to the end of its
    // PollCompleted (the CDI events and the writes to every client). What a notification waits for, on average,
    // is about one of them (docs/benchmarks.md): two clock reads a poll, never per notification or per client.
    private volatile long handOffs;
    private volatile long handOffNanos;

    // Owned by the listener thread.
    private Connection connection;
    private DriverNotifications pg;
    private Instant downSince;
    private boolean connectedBefore;

    @PostConstruct
    void start() {
        thread = threadFactory.newThread(this::run);
        thread.setName("pg_eventserv-listener");
        thread.start();
        awaitFirstAttempt();
    }

    /**
     * The application starts serving once the first connection attempt is over (bounded): the listener is then UP
     * or DOWN, and handshakes can tell whether waiting for a LISTEN makes sense without waiting to find out.
     */
    private void awaitFirstAttempt() {
        try {
            if (!firstAttempt.await(FIRST_ATTEMPT_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.info("still connecting to the database after " + FIRST_ATTEMPT_WAIT_SECONDS + " s; starting meanwhile");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @PreDestroy
    void stop() {
        stopping.countDown();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** LISTENs on the channel; the future completes once the LISTEN is in effect on a live connection. */
    public CompletableFuture<Void> listen(String channel) {
        // The canary's channel is LISTENed for the connection's life, whoever else asks for it.
        return canary.channel().equals(channel) ? CompletableFuture.completedFuture(null) : requests.listen(channel);
    }

    public void unlisten(String channel) {
        if (!canary.channel().equals(channel)) {
            requests.unlisten(channel);
        }
    }

    public ListenerState state() {
        return state;
    }

    /** Ready: the LISTEN connection is up and a canary came back recently. */
    public boolean ready() {
        return state == ListenerState.UP && canary.healthy(System.nanoTime());
    }

    /** Alive: the listener thread runs (or was stopped on purpose). */
    public boolean alive() {
        return state == ListenerState.STOPPED || thread != null && thread.isAlive();
    }

    public long notificationsReceived() {
        return received;
    }

    /** Polls that brought notifications for clients since start (monotonic). */
    public long handOffs() {
        return handOffs;
    }

    /** Seconds from those polls' return to the end of their writes to every client, in all (monotonic). */
    public double handOffSeconds() {
        return handOffNanos / 1e9;
    }

    /** Times the LISTEN connection came back after being down. */
    public long reconnects() {
        return reconnects;
    }

    /** The last canary's round trip in seconds; 0 before the first. */
    public double canaryRoundTripSeconds() {
        long nanos = canary.roundTripNanos();
        return nanos < 0 ? 0 : nanos / 1e9;
    }

    private void run() {
        Backoff backoff = new Backoff();
        while (stopping.getCount() > 0) {
            try {
                if (connection == null) {
                    connect();
                    backoff.reset();
                    firstAttempt.countDown();
                }
                requests.apply(this::listenOn, this::unlistenOn);
                sendCanaryIfDue();
                poll();
            } catch (SQLException | NamingException | RuntimeException e) {
                disconnected(e);
                firstAttempt.countDown();
                if (awaitStop(backoff.next())) {
                    break;
                }
            }
        }
        release();
        state = ListenerState.STOPPED;
    }

    private void connect() throws SQLException, NamingException {
        requests.applyWhileDisconnected();
        DataSource dataSource = (DataSource) new InitialContext().lookup(dataSourceName);
        connection = dataSource.getConnection();
        connection.setAutoCommit(true);
        limitNetworkWait();
        pg = DriverNotifications.of(connection);
        execute(ChannelIdentifier.listen(canary.channel()));
        boolean subscribedMeanwhile = requests.anyAwaitingConnection();
        requests.connected(this::listenOn);
        if (state == ListenerState.DOWN) {
            // Sessions that subscribed or stayed open while the connection was down have missed notifications.
            gaps.fire(new Gap(downSince, Instant.now()));
        } else if (subscribedMeanwhile) {
            // Subscribed before the first connection could LISTEN: whatever was sent before now was not heard.
            gaps.fire(new Gap(started, Instant.now()));
        }
        if (connectedBefore) {
            reconnects++;
            changeState(ListenerState.UP, "LISTEN connection back after "
                    + Duration.between(downSince, Instant.now()).toMillis() + " ms, " + requests.wantedCount()
                    + " channels LISTENed again; notifications sent meanwhile were missed");
        } else {
            connectedBefore = true;
            var meta = connection.getMetaData();
            changeState(ListenerState.UP, "LISTEN connection up: " + meta.getUserName() + " at " + meta.getURL());
        }
    }

    /** Bounds every wait on the server, so a silently cut network shows as a failed canary, not a hang. */
    private void limitNetworkWait() throws SQLException {
        try {
            connection.setNetworkTimeout(Runnable::run, NETWORK_TIMEOUT_MILLIS);
        } catch (SQLFeatureNotSupportedException | UnsupportedOperationException e) {
            LOG.fine("the DataSource's connections do not support a network timeout");
        }
    }

    private void listenOn(String channel) throws SQLException {
        execute(ChannelIdentifier.listen(channel));
        LOG.fine(() -> "LISTEN " + channel);
    }

    private void unlistenOn(String channel) throws SQLException {
        execute(ChannelIdentifier.unlisten(channel));
        LOG.fine(() -> "UNLISTEN " + channel);
    }

    private void sendCanaryIfDue() throws SQLException {
        long now = System.nanoTime();
        if (canary.due(now)) {
            try (PreparedStatement s = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
                s.setString(1, canary.channel());
                s.setString(2, canary.send(now));
                s.execute();
            }
        }
    }

    private void poll() throws SQLException {
        List<Notification> batch = pg.poll(POLL_MILLIS);
        long start = System.nanoTime();
        boolean any = false;
        for (Notification n : batch) {
            if (canary.channel().equals(n.channel())) {
                canary.returned(n.payload(), System.nanoTime());
            } else {
                received++;
                any = true;
                fire(n);
            }
        }
        firePollCompleted();
        if (any) {
            handOffs++;
            handOffNanos += System.nanoTime() - start;
        }
    }

    private void execute(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private void fire(Notification notification) {
        try {
            notifications.fire(notification);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "delivering a notification on channel " + notification.channel() + " failed", e);
        }
    }

    private void firePollCompleted() {
        try {
            pollsCompleted.fire(PollCompleted.INSTANCE);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "handling the end of a poll failed", e);
        }
    }

    private void disconnected(Exception cause) {
        abort();
        canary.reset();
        String why = rootCause(cause);
        if (state == ListenerState.DOWN) {
            changeState(ListenerState.DOWN, "reconnect attempt failed: " + why);
            return;
        }
        downSince = Instant.now();
        String retrying = "not ready; retrying with backoff up to " + Backoff.MAX_MILLIS / 1000 + " s: " + why;
        changeState(ListenerState.DOWN, connectedBefore
                ? "LISTEN connection lost, " + retrying
                : "cannot reach the database, " + retrying);
    }

    /** Aborting, not closing, makes the pool discard the connection instead of handing it out again. */
    private void abort() {
        if (connection == null) {
            return;
        }
        try {
            connection.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.FINE, "aborting the LISTEN connection", e);
            try {
                connection.close();
            } catch (SQLException | RuntimeException closing) {
                LOG.log(Level.FINE, "closing the LISTEN connection", closing);
            }
        }
        connection = null;
        pg = null;
    }

    /** Undeploy: the connection goes back to the pool listening to nothing, so no one else inherits our LISTENs. */
    private void release() {
        if (connection == null) {
            return;
        }
        try {
            execute("UNLISTEN *");
            connection.close();
            connection = null;
            pg = null;
            LOG.info("stopped: LISTEN connection released");
        } catch (SQLException | RuntimeException e) {
            abort();
        }
    }

    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e) : e.getMessage() + " (" + root + ")";
    }

    private boolean awaitStop(long millis) {
        try {
            return stopping.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** Logs once per change of state; repeated attempts in the same state go to FINE only. */
    private void changeState(ListenerState next, String message) {
        ListenerState previous = state;
        state = next;
        if (previous != next) {
            LOG.log(next == ListenerState.DOWN ? Level.WARNING : Level.INFO, message);
        } else {
            LOG.fine(message);
        }
    }
}
