package pgeventserv.postgres;

import com.sun.management.ThreadMXBean;
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
import java.lang.management.ManagementFactory;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.naming.NamingException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import pgeventserv.fanout.Notification;
import pgeventserv.fanout.Outage;
import pgeventserv.fanout.PollEnd;

/**
 * Owns the one LISTEN connection of the server ({@link ListenConnection}) and the one thread that uses it, and fires
 * a CDI event of the fan-out's own types per notification, in the order PostgreSQL delivered them.
 *
 * <p>The thread's loop: apply the queued LISTEN/UNLISTEN requests ({@link ListenRequests}, one round trip), send the
 * {@link Canary} when due, poll for notifications. The poll timeout is short, so a request waits at most that long;
 * notifications themselves wake the poll at once. Each notification becomes a {@link Notification} (a durable hint
 * when its payload is a {@link DurableReference}), then a {@link PollEnd} follows every poll; observers must not
 * block this thread.
 *
 * <p>Failure: the connection is aborted, a fresh one taken with capped exponential backoff ({@link Backoff}), every
 * wanted channel LISTENed again, an {@link Outage} fired, and only then is the state {@code UP}
 * ({@link ListenerStatus} logs each change once). Bean-managed transactions keep the container from enlisting the
 * connection. On undeploy the connection is UNLISTENed and returned to the pool clean.
 */
@Startup
@Singleton
@TransactionManagement(TransactionManagementType.BEAN)
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class NotificationListener {

    private static final Logger LOG = Logger.getLogger(NotificationListener.class.getName());
    private static final int POLL_MILLIS = 25;
    private static final long FIRST_ATTEMPT_WAIT_SECONDS = 5;

    @Resource
    ManagedThreadFactory threadFactory;

    @Inject
    Event<Notification> notifications;

    @Inject
    Event<Outage> outages;

    @Inject
    Event<PollEnd> pollEnds;

    @Inject
    @ConfigProperty(name = "DataSource")
    String dataSourceName;

    private final ListenRequests requests = new ListenRequests();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final CountDownLatch firstAttempt = new CountDownLatch(1);
    private final Instant started = Instant.now();
    private final Canary canary = new Canary();
    private final ListenerStatus status = new ListenerStatus();
    private final ListenerMeter meter = new ListenerMeter();
    private final StallWatch stall = new StallWatch();
    private final DriverNotifications.Receiver receiver = this::received;
    private Thread thread;

    // Owned by the listener thread.
    private ListenConnection connection;
    private int heardThisPoll;
    private long firstHeardNanos;

    @PostConstruct
    void start() {
        thread = threadFactory.newThread(this::run);
        thread.setName("pg_eventserv-listener");
        thread.start();
        awaitFirstAttempt();
    }

    /**
     * The application starts serving once the first connection attempt is over (bounded): the listener is then UP
     * or DOWN, and readiness says which.
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

    /**
     * This bean itself rather than its container proxy, for the callers on every handshake and health check: what they
     * call (state, LISTEN requests) needs no container service, and on Open Liberty every call through the proxy passes
     * the EJB security check, which locks one set all requests share (a burst of 1,000 handshakes queued on it for
     * more than 10 s). Asked once, through the proxy.
     */
    public NotificationListener direct() {
        return this;
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
        return status.state();
    }

    /** Ready: the LISTEN connection is up, answers, and a canary came back recently. */
    public boolean ready() {
        return listensPromptly() && canary.healthy(System.nanoTime());
    }

    /**
     * Up, with a round trip in flight unanswered for longer than {@link StallWatch#STALLED_AFTER_NANOS}: the
     * connection looks open and answers nothing. It fails at its network timeout and the listener reconnects.
     */
    public boolean stalled() {
        return state() == ListenerState.UP && stall.stalled(System.nanoTime());
    }

    /**
     * Whether a LISTEN asked for now is expected within a round trip: the connection is up and answering. Only then
     * is it worth waiting for; otherwise the channel is LISTENed when the connection comes (back), and clients are
     * told of the gap then.
     */
    public boolean listensPromptly() {
        return !stalled() && state() == ListenerState.UP;
    }

    /** Alive: the listener thread runs (or was stopped on purpose). */
    public boolean alive() {
        return status.state() == ListenerState.STOPPED || thread != null && thread.isAlive();
    }

    public long notificationsReceived() {
        return meter.received();
    }

    /** Polls that brought notifications for clients since start (monotonic). */
    public long handOffs() {
        return meter.handOffs();
    }

    /** Seconds from those polls' return to the end of their writes to every client, in all (monotonic). */
    public double handOffSeconds() {
        return meter.handOffNanos() / 1e9;
    }

    /**
     * Bytes the listener thread has allocated since it started (the delivery hot path: bench figures per
     * notification come from this); -1 where the JVM does not count them.
     */
    public long listenerAllocatedBytes() {
        Thread t = thread;
        if (t == null || !(ManagementFactory.getThreadMXBean() instanceof ThreadMXBean mx) || !mx.isThreadAllocatedMemorySupported()) {
            return -1;
        }
        return mx.getThreadAllocatedBytes(t.getId());
    }

    /** Times the LISTEN connection came back after being down. */
    public long reconnects() {
        return status.reconnects();
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
                requests.apply(connection::execute);
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
        if (connection != null) {
            connection.release();
            connection = null;
            LOG.info("stopped: LISTEN connection released");
        }
        status.stopped();
    }

    /**
     * A fresh connection: the canary's channel and every wanted one LISTENed in one round trip, then, when
     * notifications may have been missed, the outage told before anything the new connection hears.
     */
    private void connect() throws SQLException, NamingException {
        requests.applyWhileDisconnected();
        connection = ListenConnection.open(dataSourceName, stall);
        boolean subscribedMeanwhile = requests.anyAwaitingConnection();
        String canaryListen = ChannelIdentifier.listen(canary.channel());
        requests.connected(sql -> {
            List<String> all = new ArrayList<>(sql.size() + 1);
            all.add(canaryListen);
            all.addAll(sql);
            connection.execute(all);
        });
        if (requests.wantedCount() == 0) {
            connection.execute(List.of(canaryListen));
        }
        if (status.down()) {
            // Sessions that subscribed or stayed open while the connection was down have missed notifications.
            outages.fire(new Outage(status.downSince(), Instant.now()));
        } else if (subscribedMeanwhile) {
            // Subscribed before the first connection could LISTEN: whatever was sent before now was not heard.
            outages.fire(new Outage(started, Instant.now()));
        }
        status.up(connection.describe(), requests.wantedCount());
    }

    private void sendCanaryIfDue() throws SQLException {
        long now = System.nanoTime();
        if (canary.due(now)) {
            connection.notify(canary.channel(), canary.send(now));
        }
    }

    private void poll() throws SQLException {
        heardThisPoll = 0;
        connection.poll(POLL_MILLIS, receiver);
        try {
            pollEnds.fire(PollEnd.INSTANCE);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "handling the end of a poll failed", e);
        }
        if (heardThisPoll > 0) {
            meter.received(heardThisPoll);
            meter.handedOff(System.nanoTime() - firstHeardNanos);
        }
    }

    /** One notification of the poll: the canary's, or one for the clients. */
    private void received(String channel, String payload, int sender) {
        if (canary.channel().equals(channel)) {
            canary.returned(payload, System.nanoTime());
            return;
        }
        if (heardThisPoll++ == 0) {
            firstHeardNanos = System.nanoTime();
        }
        Optional<DurableReference> reference = DurableReference.parse(payload);
        Notification notification = reference.isEmpty() ? Notification.plain(channel, payload)
                : Notification.durable(channel, reference.get().first(), reference.get().last(), sender);
        try {
            notifications.fire(notification);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "delivering a notification on channel " + channel + " failed", e);
        }
    }

    private void disconnected(Exception cause) {
        Instant lastHeard = connection == null ? Instant.now() : Instant.ofEpochMilli(connection.lastHeardMillis());
        if (connection != null) {
            connection.abort();
            connection = null;
        }
        canary.reset();
        status.failed(rootCause(cause), lastHeard);
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
}
