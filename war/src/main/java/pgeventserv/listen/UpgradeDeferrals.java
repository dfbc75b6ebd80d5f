package pgeventserv.listen;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.server.ServerContainer;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;
import pgeventserv.postgres.NotificationListener;

/**
 * WebSocket handshakes that wait for their channel's LISTEN without holding a worker, where the server allows it:
 * on Payara (Tyrus over Catalina and Grizzly) the handshake completes at once, its 101 held back
 * ({@link WithheldResponse}) and sent ({@link UnsentUpgrade}) when the LISTEN is in effect, the listener is known
 * stalled or down, or after {@value HandshakeWaits#LISTEN_WAIT_SECONDS} s: the rules of a handshake that waits on its worker
 * elsewhere, where {@link HandshakeWaits} bounds them. Decided once at startup, from the server's classes;
 * {@code -Dpgeventserv.deferUpgrades=false} keeps every server to waiting on the worker. Turned off for good, with a
 * WARNING, by a handshake whose 101 went out before it could be held (a Payara upgrade changed Tyrus).
 *
 * <p>What is waited for is looked at in one place: each LISTEN's completion hands its handshake to the sending
 * thread, and a check every {@value HandshakeWaits#STALL_CHECK_MILLIS} ms sends those whose listener stalled or whose time is up.
 *
 * <p>Threads: request threads defer and hand over; a thread of its own sends; never the listener thread.
 */
@ApplicationScoped
public class UpgradeDeferrals {

    private static final long LISTEN_WAIT_NANOS = TimeUnit.SECONDS.toNanos(HandshakeWaits.LISTEN_WAIT_SECONDS);
    private static final Logger LOG = Logger.getLogger(UpgradeDeferrals.class.getName());
    private static final String TYRUS_FILTER = "org.glassfish.tyrus.servlet.TyrusServletFilter";
    private static final String CATALINA_ADAPTER = "org.apache.catalina.connector.CoyoteAdapter";

    @Resource
    ManagedThreadFactory threads;

    @Inject
    NotificationListener listener;
    // The listener bean itself (NotificationListener#direct), asked of its proxy on first use.
    private volatile NotificationListener direct;

    // Package-private for tests.
    volatile boolean on;
    private final Queue<UnsentUpgrade> waiting = new ConcurrentLinkedQueue<>();
    private final LongAdder deferred = new LongAdder();
    /**
     * One thread of its own, not the server's managed scheduler: a 101 must not wait behind the server's other
     * periodic work, some of which can wait on the database.
     */
    // Package-private for tests.
    ScheduledExecutorService sender;

    void probe(@Observes @Initialized(ApplicationScoped.class) ServletContext context) {
        if ("false".equals(System.getProperty("pgeventserv.deferUpgrades"))) {
            LOG.info("WebSocket handshakes wait for their LISTEN on a server worker (-Dpgeventserv.deferUpgrades=false)");
            return;
        }
        Object container = context.getAttribute(ServerContainer.class.getName());
        if (container == null || !container.getClass().getName().startsWith("org.glassfish.tyrus")) {
            LOG.fine("WebSocket handshakes wait for their LISTEN on a server worker (not Tyrus)");
            return;
        }
        try {
            Class.forName(TYRUS_FILTER, false, container.getClass().getClassLoader());
            Class.forName(CATALINA_ADAPTER, false, context.getClass().getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            LOG.info("WebSocket handshakes wait for their LISTEN on a server worker (Tyrus, but not over Catalina: " + e + ")");
            return;
        }
        sender = Executors.newSingleThreadScheduledExecutor(threads);
        sender.scheduleWithFixedDelay(this::check, HandshakeWaits.STALL_CHECK_MILLIS, HandshakeWaits.STALL_CHECK_MILLIS,
                TimeUnit.MILLISECONDS);
        on = true;
        LOG.fine("WebSocket handshakes wait for their LISTEN without a server worker (their 101 is held back)");
    }

    @PreDestroy
    void stop() {
        if (sender != null) {
            sender.shutdownNow();
        }
    }

    /** Whether a handshake that must wait for its LISTEN completes at once, its 101 held back. */
    boolean on() {
        return on;
    }

    /** A handshake's 101, to be held back in {@code response}. */
    UnsentUpgrade unsent(HttpServletResponse response) {
        return new UnsentUpgrade(response::flushBuffer, System.nanoTime());
    }

    /**
     * The handshake went down the chain through {@code held}: answered 101, it waits for {@code listening}; a 101
     * that went out anyway (not held back) is not deferred, now or from then on.
     */
    void answered(UnsentUpgrade unsent, WithheldResponse held, CompletableFuture<?> listening) {
        if (held.getStatus() != HttpServletResponse.SC_SWITCHING_PROTOCOLS) {
            return;
        }
        if (!held.withheld() || held.isCommitted()) {
            on = false;
            LOG.warning("a WebSocket handshake's 101 went out before it could be held back (the server's Tyrus changed?):"
                    + " from now on handshakes wait for their LISTEN on a server worker");
            unsent.due();
            return;
        }
        deferred.increment();
        waiting.add(unsent);
        listening.whenCompleteAsync((done, failed) -> unsent.due(), sender);
    }

    private void check() {
        try {
            check(System.nanoTime(), listener().listensPromptly());
        } catch (RuntimeException e) {
            // Caught so that the next check comes all the same: a periodic task that throws is never run again.
            LOG.warning("a deferred WebSocket handshake failed as its 101 was sent: " + e);
        }
    }

    /** Sends every 101 still waiting when the listener does not listen promptly, and those waiting too long. */
    void check(long nowNanos, boolean listensPromptly) {
        for (Iterator<UnsentUpgrade> it = waiting.iterator(); it.hasNext(); ) {
            UnsentUpgrade unsent = it.next();
            if (!unsent.waiting()) {
                it.remove();
            } else if (!listensPromptly || nowNanos - unsent.sinceNanos() > LISTEN_WAIT_NANOS) {
                it.remove();
                if (listensPromptly) {
                    LOG.warning("a WebSocket handshake's LISTEN did not complete in " + HandshakeWaits.LISTEN_WAIT_SECONDS
                            + " s: its 101 is sent without it");
                }
                unsent.due();
            }
        }
    }

    /** Handshakes whose 101 was held back for their LISTEN since start, for {@code pg_eventserv_handshakes_deferred}. */
    public long deferred() {
        return deferred.sum();
    }

    private NotificationListener listener() {
        NotificationListener d = direct;
        if (d == null) {
            direct = d = listener.direct();
        }
        return d;
    }
}
