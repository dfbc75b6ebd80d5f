package pgeventserv.wiring;

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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import pgeventserv.fanout.Counters;
import pgeventserv.fanout.DurableReader;
import pgeventserv.fanout.EventIds;
import pgeventserv.fanout.Fanout;
import pgeventserv.fanout.Farewell;
import pgeventserv.fanout.Format;
import pgeventserv.fanout.HistoryLimits;
import pgeventserv.fanout.Limits;
import pgeventserv.fanout.Notification;
import pgeventserv.fanout.Outage;
import pgeventserv.fanout.PollEnd;
import pgeventserv.fanout.Subscriber;
import pgeventserv.fanout.Subscriptions;
import pgeventserv.fanout.WriteLanes;
import pgeventserv.fanout.filter.Filter;
import pgeventserv.postgres.DurableEvents;
import pgeventserv.postgres.DurableStore;
import pgeventserv.postgres.NotificationListener;

/**
 * The fan-out in the application: made from the settings, fed by the listener's events (on the listener thread),
 * given its read executors and periodic tasks, and used by the transports to subscribe their clients.
 */
@ApplicationScoped
public class Relay {

    private static final Logger LOG = Logger.getLogger(Relay.class.getName());

    /** Without history there is nothing to come back for: a channel is UNLISTENed soon after its last client. */
    static final long UNLISTEN_GRACE_MILLIS = 1_000;
    /** Handshakes that never opened, deadlines (token expiry) and unused channels are swept this often. */
    private static final long SWEEP_MILLIS = 1_000;

    @Inject
    NotificationListener listener;
    // The listener bean itself (NotificationListener#direct), asked of its proxy on first use.
    private volatile NotificationListener direct;

    @Inject
    DurableStore durableStore;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Resource
    ManagedThreadFactory threads;

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
    @ConfigProperty(name = "MaxChannels")
    int maxChannels;

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

    @Inject
    @ConfigProperty(name = "MaxFiltersPerSubscriber")
    int maxFiltersPerSubscriber;

    private final EventIds ids = EventIds.random();
    private Subscriptions subscriptions;
    private Fanout fanout;
    // Durable rows are read here, off the listener thread, on threads of their own rather than the server's managed
    // executor (Payara's runs one task at a time): live hints and catch-ups on one pool, resumes on another, so a
    // crowd of resuming clients never holds up live durable events. Each takes pooled connections from its own lane
    // of the durable connection budget (DurableConnections).
    private ExecutorService liveReads;
    private ExecutorService resumeReads;
    private ScheduledFuture<?> pings;
    private ScheduledFuture<?> sweeps;
    private WriteLanes lanes;

    @PostConstruct
    void init() {
        long grace = historyMessages > 0 ? Math.max(historyAge.toMillis(), UNLISTEN_GRACE_MILLIS) : UNLISTEN_GRACE_MILLIS;
        lanes = WriteLanes.start(writeLanes(), threads);
        // The default needs no line of its own: a start prints at most five up to "ready".
        if (lanes.count() == 0) {
            LOG.fine("the listener thread writes every client (-Dpgeventserv.writeLanes=N or cores for writer threads)");
        } else {
            LOG.info("clients are written by the listener thread and " + lanes.count() + " writer thread(s), one share each"
                    + " (-Dpgeventserv.writeLanes)");
        }
        subscriptions = new Subscriptions(new Limits(queueMessages, queueBytes),
                new HistoryLimits(historyMessages, historyBytes, historyAge), maxSessions, maxChannels,
                channel -> direct().listen(channel), channel -> direct().unlisten(channel),
                TimeUnit.MILLISECONDS.toNanos(grace), lanes);
        DurableEvents events = durableStore.events();
        DurableReader live = events == null ? null : events.live();
        DurableReader resumes = events == null ? null : events.resumes();
        liveReads = Executors.newFixedThreadPool(events == null ? 1 : events.liveLanes(), threads);
        resumeReads = Executors.newFixedThreadPool(events == null ? 1 : events.resumeLanes(), threads);
        // No query here: the watermark starts with the first durable event released.
        fanout = new Fanout(subscriptions, ids, live, liveReads, resumes, resumeReads, EventIds.UNKNOWN);
        sweeps = scheduler.scheduleWithFixedDelay(() -> subscriptions.sweep(System.nanoTime(), System.currentTimeMillis()),
                SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        long interval = pingInterval.toMillis();
        if (interval > 0) {
            Farewell dead = new Farewell(Farewell.POLICY_VIOLATION, "no pong within " + interval + " ms");
            pings = scheduler.scheduleAtFixedRate(() -> subscriptions.keepAlive(dead), interval, interval,
                    TimeUnit.MILLISECONDS);
        }
    }

    void notification(@Observes Notification notification) {
        fanout.deliver(notification);
    }

    void pollEnded(@Observes PollEnd end) {
        fanout.pollEnded();
    }

    void outage(@Observes Outage outage) {
        fanout.outage(outage);
    }

    /**
     * Registers a client of one channel, receiving in the format from now on, only what the filter lets through;
     * see {@link Subscriptions#subscribe}.
     */
    public Subscriber subscribe(String channel, Format format, String lastEventId, Filter filter) {
        return subscriptions.subscribe(List.of(channel), format, false, lastEventId, Map.of(channel, filter));
    }

    /**
     * Registers a client of several channels on one connection (none yet for a multiplexed session, which joins
     * them by command); its events come merged in delivery order, each channel's filtered by its filter in
     * {@code filters} (if any). See {@link Subscriptions#subscribe}.
     */
    public Subscriber subscribeMany(List<String> channels, Format format, String lastEventId,
            Map<String, Filter> filters) {
        return subscriptions.subscribe(channels, format, true, lastEventId, filters);
    }

    /** What this run's plain ids begin with, up to their first dot ({@link EventIds#run()}). */
    public String idRun() {
        return ids.run();
    }

    /** How many conditions one filter list may have ({@code MaxFiltersPerSubscriber}). */
    public int maxFiltersPerSubscriber() {
        return maxFiltersPerSubscriber;
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
        return subscriptions.historyMessages();
    }

    public long historyBytes() {
        return subscriptions.historyBytes();
    }

    /** Whether {@code MaxSessions} sessions are open. */
    public boolean full() {
        return subscriptions.full();
    }

    /** Whether a new subscriber could have these channels now ({@code MaxChannels}). */
    public boolean roomFor(List<String> channels) {
        return subscriptions.roomFor(channels);
    }

    /** Why a new channel is refused. */
    public Farewell tooManyChannels() {
        return subscriptions.tooManyChannels();
    }

    /** Whether the channel exists and its LISTEN is in effect: a subscriber of it waits for nothing. */
    public boolean listened(String channel) {
        return subscriptions.listened(channel);
    }

    public CompletableFuture<Void> listening(String channel) {
        return subscriptions.listening(channel);
    }

    /** Writer threads beside the listener's own share of the writes (0: the listener writes every client). */
    public int writerThreads() {
        return lanes.count();
    }

    public int sessions() {
        return subscriptions.sessionCount();
    }

    public int channels() {
        return subscriptions.channelCount();
    }

    public Counters counters() {
        return subscriptions.counters();
    }

    @PreDestroy
    void goingAway() {
        if (pings != null) {
            pings.cancel(false);
        }
        sweeps.cancel(false);
        subscriptions.shutdown();
        lanes.stop();
        liveReads.shutdownNow();
        resumeReads.shutdownNow();
    }

    /**
     * How many writer threads share a poll's writes with the listener thread: {@code -Dpgeventserv.writeLanes=N}, or
     * {@code cores} for one fewer than the machine has cores, so that each core writes; 0, the default, for none (the
     * listener writes every client in turn). On a 2-core machine shared with the clients and PostgreSQL, one writer
     * thread beside the listener lowered the median at 100 clients x 100/s by about 0.5 ms, but flat out at 100
     * clients it delivered as little as half as much in some runs (docs/benchmarks.md, issue 28): a choice for
     * deployments whose load is light, not the default.
     */
    private static int writeLanes() {
        return lanesFor(System.getProperty("pgeventserv.writeLanes", "0"), Runtime.getRuntime().availableProcessors());
    }

    static int lanesFor(String setting, int cores) {
        String lanes = setting.trim();
        if (lanes.equals("cores")) {
            return Math.max(0, cores - 1);
        }
        try {
            return Math.max(0, Integer.parseInt(lanes));
        } catch (NumberFormatException e) {
            LOG.warning("-Dpgeventserv.writeLanes=" + lanes + " is neither a number nor 'cores': no writer threads");
            return 0;
        }
    }

    private NotificationListener direct() {
        NotificationListener d = direct;
        if (d == null) {
            direct = d = listener.direct();
        }
        return d;
    }
}
