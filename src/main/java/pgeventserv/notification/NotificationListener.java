package pgeventserv.notification;

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
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Owns the one LISTEN connection of the server and its one thread.
 *
 * <p>pgjdbc has no background reader: {@code getNotifications(timeout)} blocks, and no other thread
 * may use the connection meanwhile. So the listener thread is the only one that touches the
 * connection; LISTEN/UNLISTEN requests from other threads go through {@link #requests} and are
 * applied between polls. The poll timeout is short so that a handshake waiting for its LISTEN waits
 * at most that long; notifications themselves wake the poll at once.
 *
 * <p>The connection comes from the server's DataSource and is held for as long as it works: bean-managed
 * transactions keep the container from enlisting it. When it fails, a fresh one is taken with capped
 * exponential backoff and every wanted channel is LISTENed again before the state is {@code UP}.
 */
@Startup
@Singleton
@TransactionManagement(TransactionManagementType.BEAN)
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class NotificationListener {

    private static final Logger LOG = Logger.getLogger(NotificationListener.class.getName());
    private static final int POLL_MILLIS = 25;
    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 10_000;

    @Resource
    ManagedThreadFactory threadFactory;

    @Inject
    Event<Notification> notifications;

    @Inject
    Event<ListenerState> stateChanges;

    @Inject
    Event<PollCompleted> pollsCompleted;

    @Inject
    @ConfigProperty(name = "DataSource", defaultValue = "java:comp/env/jdbc/eventserv")
    String dataSourceName;

    private final Queue<Request> requests = new ConcurrentLinkedQueue<>();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile ListenerState state = ListenerState.CONNECTING;
    private Thread thread;

    // Owned by the listener thread.
    private final Set<String> channels = new HashSet<>();
    private final List<CompletableFuture<Void>> awaitingConnection = new ArrayList<>();
    private Connection connection;
    private PGConnection pg;

    private record Request(boolean listen, String channel, CompletableFuture<Void> done) {
    }

    @PostConstruct
    void start() {
        thread = threadFactory.newThread(this::run);
        thread.setName("pg_eventserv-listener");
        thread.start();
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
        CompletableFuture<Void> done = new CompletableFuture<>();
        requests.add(new Request(true, channel, done));
        return done;
    }

    public void unlisten(String channel) {
        requests.add(new Request(false, channel, new CompletableFuture<>()));
    }

    public ListenerState state() {
        return state;
    }

    private void run() {
        long backoff = FIRST_BACKOFF_MILLIS;
        while (stopping.getCount() > 0) {
            try {
                if (connection == null) {
                    connect();
                    backoff = FIRST_BACKOFF_MILLIS;
                }
                applyRequests();
                PGNotification[] received = pg.getNotifications(POLL_MILLIS);
                if (received != null) {
                    for (PGNotification n : received) {
                        fire(new Notification(n.getName(), n.getParameter()));
                    }
                }
                firePollCompleted();
            } catch (SQLException | NamingException | RuntimeException e) {
                disconnected(e);
                if (awaitStop(backoff)) {
                    break;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            }
        }
        close();
        changeState(ListenerState.STOPPED, null);
    }

    private void connect() throws SQLException, NamingException {
        applyRequestsWhileDisconnected();
        DataSource dataSource = (DataSource) new InitialContext().lookup(dataSourceName);
        connection = dataSource.getConnection();
        connection.setAutoCommit(true);
        pg = connection.unwrap(PGConnection.class);
        for (String channel : channels) {
            execute(ChannelIdentifier.listen(channel));
        }
        awaitingConnection.forEach(f -> f.complete(null));
        awaitingConnection.clear();
        var meta = connection.getMetaData();
        changeState(ListenerState.UP, "LISTEN connection up: " + meta.getUserName() + " at " + meta.getURL());
    }

    private void applyRequests() throws SQLException {
        for (Request r; (r = requests.poll()) != null; ) {
            String channel = r.channel;
            if (r.listen) {
                if (channels.add(channel)) {
                    execute(ChannelIdentifier.listen(channel));
                    LOG.fine(() -> "LISTEN " + channel);
                }
            } else if (channels.remove(channel)) {
                execute(ChannelIdentifier.unlisten(channel));
                LOG.fine(() -> "UNLISTEN " + channel);
            }
            r.done.complete(null);
        }
    }

    /** Without a connection the wanted set still changes; LISTENs then complete on the next connect. */
    private void applyRequestsWhileDisconnected() {
        for (Request r; (r = requests.poll()) != null; ) {
            if (r.listen) {
                channels.add(r.channel);
                awaitingConnection.add(r.done);
            } else {
                channels.remove(r.channel);
                r.done.complete(null);
            }
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
        close();
        changeState(ListenerState.DOWN, "LISTEN connection down, reconnecting with backoff: " + cause);
    }

    private void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.log(Level.FINE, "closing the LISTEN connection", e);
            }
            connection = null;
            pg = null;
        }
    }

    private boolean awaitStop(long millis) {
        try {
            return stopping.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** Logs once per change of state, not per reconnect attempt. */
    private void changeState(ListenerState next, String message) {
        ListenerState previous = state;
        state = next;
        if (previous != next) {
            if (message != null) {
                LOG.log(next == ListenerState.DOWN ? Level.WARNING : Level.INFO, message);
            }
            stateChanges.fire(next);
        } else if (message != null) {
            LOG.fine(message);
        }
    }
}
