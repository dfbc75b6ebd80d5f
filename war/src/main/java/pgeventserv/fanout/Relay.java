package pgeventserv.fanout;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import pgeventserv.postgres.DurableEvents;
import pgeventserv.postgres.DurableStore;
import pgeventserv.postgres.Gap;
import pgeventserv.postgres.Notification;
import pgeventserv.postgres.NotificationListener;
import pgeventserv.postgres.PollCompleted;

/**
 * The fan-out in the application: made from the settings, fed by the listener's events, used by the transports
 * to subscribe their clients. {@link Registry} and {@link Fanout} are plain Java (tested without a server);
 * this bean only wires them to CDI, the listener and the server's scheduler.
 */
@ApplicationScoped
public class Relay {

    /** Without history there is nothing to come back for: a channel is UNLISTENed soon after its last client. */
    static final long UNLISTEN_GRACE_MILLIS = 1_000;
    private static final long SWEEP_SECONDS = 10;

    @Inject
    NotificationListener listener;

    @Inject
    DurableStore durableStore;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Resource
    ManagedThreadFactory threads;

    @Inject
    @ConfigProperty(name = "DbPoolMaxConns")
    int poolMaxConnections;

    @Inject
    @ConfigProperty(name = "SessionQueueMessages")
    int queueMessages;

    @Inject
    @ConfigProperty(name = "SessionQueueBytes")
    long queueBytes;

    @Inject
    @ConfigProperty(name = "MaxSessions")
    int maxSessions;

    @Inject
    @ConfigProperty(name = "PingInterval")
    Duration pingInterval;

    @Inject
    @ConfigProperty(name = "HistoryMessages")
    int historyMessages;

    @Inject
    @ConfigProperty(name = "HistoryBytes")
    long historyBytes;

    @Inject
    @ConfigProperty(name = "HistoryAge")
    Duration historyAge;

    @Inject
    @ConfigProperty(name = "MaxChannelsPerSession")
    int maxChannelsPerSession;

    private Registry registry;
    private Fanout fanout;
    // Durable events are read here, off the listener thread, one pooled connection per thread: every connection of
    // the pool but the LISTEN connection's. Not the server's default managed executor: Payara's (no core threads,
    // an unbounded queue) runs one task at a time, and resumes would wait behind every reference's read.
    private ExecutorService readers;
    private ScheduledFuture<?> pings;
    private ScheduledFuture<?> sweeps;

    @PostConstruct
    void init() {
        long grace = historyMessages > 0 ? Math.max(historyAge.toMillis(), UNLISTEN_GRACE_MILLIS) : UNLISTEN_GRACE_MILLIS;
        registry = new Registry(new Limits(queueMessages, queueBytes),
                new HistoryLimits(historyMessages, historyBytes, historyAge), maxSessions, listener::listen,
                listener::unlisten, scheduler, grace);
        DurableEvents events = durableStore.events();
        DurableReader reader = events == null ? null : new TableReader(events);
        // No query here: the watermark starts with the first durable event released.
        readers = Executors.newFixedThreadPool(Math.max(1, poolMaxConnections - 1), threads);
        fanout = new Fanout(registry, EventIds.random(), reader, readers, EventIds.UNKNOWN);
        sweeps = scheduler.scheduleWithFixedDelay(() -> registry.sweepUnopened(System.nanoTime()),
                SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
        long interval = pingInterval.toMillis();
        if (interval > 0) {
            Farewell dead = new Farewell(Farewell.POLICY_VIOLATION, "no pong within " + interval + " ms");
            pings = scheduler.scheduleAtFixedRate(() -> registry.keepAlive(dead), interval, interval,
                    TimeUnit.MILLISECONDS);
        }
    }

    void notification(@Observes Notification notification) {
        fanout.deliver(notification.channel(), notification.payload());
    }

    void pollCompleted(@Observes PollCompleted poll) {
        fanout.pollCompleted();
    }

    void gap(@Observes Gap gap) {
        fanout.gap(gap);
    }

    /** Registers a client of one channel, receiving in the format from now on; see {@link Registry#subscribe}. */
    public Subscriber subscribe(String channel, Format format, String lastEventId) {
        return registry.subscribe(List.of(channel), format, false, lastEventId);
    }

    /**
     * Registers a client of several channels on one connection (none yet for a multiplexed session, which joins
     * them by command); its events come merged in delivery order. See {@link Registry#subscribe}.
     */
    public Subscriber subscribeMany(List<String> channels, Format format, String lastEventId) {
        return registry.subscribe(channels, format, true, lastEventId);
    }

    /** The most channels one multiplexed session may subscribe to. */
    public int maxChannelsPerSession() {
        return maxChannelsPerSession;
    }

    /** How often clients are sent a keep-alive; zero for never. */
    public Duration pingInterval() {
        return pingInterval;
    }

    public long historyMessages() {
        return registry.historyMessages();
    }

    public long historyBytes() {
        return registry.historyBytes();
    }

    public boolean full() {
        return registry.full();
    }

    public CompletableFuture<Void> listening(String channel) {
        return registry.listening(channel);
    }

    public int sessions() {
        return registry.sessions();
    }

    public int channels() {
        return registry.channelCount();
    }

    public Counters counters() {
        return registry.counters();
    }

    @PreDestroy
    void goingAway() {
        if (pings != null) {
            pings.cancel(false);
        }
        sweeps.cancel(false);
        registry.shutdown();
        readers.shutdownNow();
    }
}
