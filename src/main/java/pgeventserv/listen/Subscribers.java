package pgeventserv.listen;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.Session;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import pgeventserv.notification.Gap;
import pgeventserv.notification.Notification;
import pgeventserv.notification.NotificationListener;
import pgeventserv.notification.PollCompleted;

/**
 * The multiplexer: channel → the subscriptions listening on it. The first subscriber of a channel asks
 * the listener to LISTEN; when the last one leaves, the channel is UNLISTENed after a short grace period
 * (so a client that reconnects at once does not cost a round trip, and the listened set cannot grow forever).
 *
 * <p>Delivery runs on the listener thread and takes no lock. Each notification ({@link #deliver}) is appended
 * to its channel's {@link Batch}, whatever the number of sessions; at the end of the poll ({@link #flush}) each
 * session gets the batch: one write per session, of frames encoded once for all. The member arrays it reads
 * are replaced copy-on-write by subscribe/unsubscribe under the {@code channels} lock (the cold path).
 *
 * <p>Also the server's policy on sessions: at most {@code MaxSessions} (the handshake filter answers 503
 * beyond it; a handshake that loses a race for the last place is closed with 1013 on open), a ping every
 * {@code PingInterval} with a session that left the previous one unanswered closed as dead (1008), a gap
 * message for envelope clients after the database was away, and 1001 for everyone on undeploy.
 */
@ApplicationScoped
public class Subscribers {

    private static final Logger LOG = Logger.getLogger(Subscribers.class.getName());
    static final long UNLISTEN_GRACE_MILLIS = 1_000;
    static final long UNOPENED_TIMEOUT_SECONDS = 30;
    /** How long a session closed as too slow may take to read its last frames and get the close frame. */
    static final long SLOW_CLOSE_GRACE_SECONDS = 10;

    @Inject
    NotificationListener listener;

    @Resource
    ManagedExecutorService executor;

    @Resource
    ManagedScheduledExecutorService scheduler;

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

    private final Map<String, Channel> channels = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final Queue<Subscription> flushRequests = new ConcurrentLinkedQueue<>();
    // Listener thread only: subscriptions whose frames still wait after a flush.
    private final ArrayDeque<Subscription> stillWaiting = new ArrayDeque<>();
    // Listener thread only: the channels with notifications in the current poll.
    private final ArrayList<Channel> polled = new ArrayList<>();
    private final LongAdder framesSent = new LongAdder();
    private final LongAdder framesDropped = new LongAdder();
    private final LongAdder slowClosed = new LongAdder();
    private SessionLimits limits;
    private CloseReason slowReason;
    private ScheduledFuture<?> pings;
    private ScheduledFuture<?> sweeps;
    // Subscriptions made by a handshake and not yet seen open (or not yet swept since they opened).
    private final Queue<Subscription> unopened = new ConcurrentLinkedQueue<>();

    private static final class Channel {
        private static final Subscription[] NONE = {};
        final CompletableFuture<Void> listening;
        volatile Subscription[] members = NONE;
        final Batch batch;

        Channel(String name, CompletableFuture<Void> listening) {
            this.listening = listening;
            this.batch = new Batch(name);
        }
    }

    @PostConstruct
    void init() {
        limits = new SessionLimits(queueMessages, queueBytes);
        slowReason = new CloseReason(CloseCodes.TRY_AGAIN_LATER,
                "too slow: more than " + limits.messages() + " messages or " + limits.bytes() + " bytes queued");
        sweeps = scheduler.scheduleWithFixedDelay(this::sweepUnopened,
                UNOPENED_TIMEOUT_SECONDS, UNOPENED_TIMEOUT_SECONDS / 3, TimeUnit.SECONDS);
        long interval = pingInterval.toMillis();
        if (interval > 0) {
            pings = scheduler.scheduleAtFixedRate(this::pingAll, interval, interval, TimeUnit.MILLISECONDS);
        }
    }

    /** Whether another session would exceed {@code MaxSessions}: the handshake filter answers 503 then. */
    boolean full() {
        return open.get() >= maxSessions;
    }

    /**
     * Registers a new subscription, queuing from now on, and asks for the channel's LISTEN if it is the
     * first. A subscription whose session never opens (a failed handshake) is dropped after a while.
     */
    Subscription subscribe(String channelName, boolean envelope) {
        if (open.incrementAndGet() > maxSessions) {
            open.decrementAndGet();
            return Subscription.refused(channelName, this, limits, new CloseReason(CloseCodes.TRY_AGAIN_LATER,
                    "server full: " + maxSessions + " sessions open"));
        }
        Subscription subscription = new Subscription(channelName, this, limits, envelope);
        Channel channel;
        synchronized (channels) {
            channel = channels.get(channelName);
            if (channel == null) {
                channel = new Channel(channelName, listener.listen(channelName));
                channels.put(channelName, channel);
            }
            Subscription[] members = Arrays.copyOf(channel.members, channel.members.length + 1);
            members[members.length - 1] = subscription;
            channel.members = members;
        }
        unopened.add(subscription);
        return subscription;
    }

    /**
     * Drops subscriptions whose handshake never led to an open session. One sweep for all of them, rather than
     * a timer per handshake: a managed timer costs a few hundred bytes of captured context per session.
     */
    private void sweepUnopened() {
        long now = System.nanoTime();
        for (Iterator<Subscription> it = unopened.iterator(); it.hasNext(); ) {
            Subscription subscription = it.next();
            if (subscription.attached()) {
                it.remove();
            } else if (now - subscription.createdNanos() > TimeUnit.SECONDS.toNanos(UNOPENED_TIMEOUT_SECONDS)) {
                it.remove();
                subscription.cancel();
            }
        }
    }

    CompletableFuture<Void> listening(String channelName) {
        Channel channel = channels.get(channelName);
        return channel == null ? CompletableFuture.completedFuture(null) : channel.listening;
    }

    void unsubscribe(Subscription subscription) {
        String name = subscription.channel();
        synchronized (channels) {
            Channel channel = channels.get(name);
            if (channel == null) {
                return;
            }
            Subscription[] members = channel.members;
            int i = Arrays.asList(members).indexOf(subscription);
            if (i < 0) {
                return;
            }
            open.decrementAndGet();
            Subscription[] fewer = new Subscription[members.length - 1];
            System.arraycopy(members, 0, fewer, 0, i);
            System.arraycopy(members, i + 1, fewer, i, members.length - i - 1);
            channel.members = fewer;
            if (fewer.length == 0) {
                scheduler.schedule(() -> unlistenIfUnused(name, channel), UNLISTEN_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            }
        }
    }

    private void unlistenIfUnused(String name, Channel channel) {
        synchronized (channels) {
            if (channel.members.length == 0 && channels.get(name) == channel) {
                channels.remove(name);
                listener.unlisten(name);
            }
        }
    }

    /** Listener thread: the notification joins its channel's batch, sent to every member when the poll ends. */
    void deliver(@Observes Notification notification) {
        Channel channel = channels.get(notification.channel());
        if (channel == null || channel.members.length == 0) {
            return;
        }
        if (channel.batch.isEmpty()) {
            polled.add(channel);
        }
        channel.batch.add(notification.payload());
    }

    /**
     * The LISTEN connection is back after an outage: envelope clients get a gap message before anything newer.
     * Raw clients stay open and are not told in band (see README, "When the database goes away").
     */
    void gap(@Observes Gap gap) {
        Frame frame = Frame.of(Envelope.gap(gap));
        for (Channel channel : channels.values()) {
            for (Subscription member : channel.members) {
                if (member.envelope()) {
                    member.offer(frame);
                }
            }
        }
    }

    private void pingAll() {
        CloseReason dead = new CloseReason(CloseCodes.VIOLATED_POLICY,
                "no pong within " + pingInterval.toMillis() + " ms");
        for (Channel channel : channels.values()) {
            for (Subscription member : channel.members) {
                if (!member.ping()) {
                    LOG.fine(() -> "closing an unresponsive client of channel " + member.channel());
                    member.close(dead);
                }
            }
        }
    }

    /** Raw path: the subscription's frames go out when the listener thread finishes the current poll. */
    void requestFlush(Subscription subscription) {
        if (subscription.flushRequested.compareAndSet(false, true)) {
            flushRequests.add(subscription);
        }
    }

    /**
     * After each poll, on the listener thread: each channel's batch to each of its members, then one write per
     * client with everything queued for it. A client whose last write is not taken yet is tried again after the
     * next poll (at most one poll interval later).
     */
    void flush(@Observes PollCompleted poll) {
        for (int i = 0; i < polled.size(); i++) {
            Batch batch = polled.get(i).batch;
            for (Subscription member : polled.get(i).members) {
                member.deliver(batch);
            }
            batch.clear();
        }
        polled.clear();
        for (Subscription s; (s = flushRequests.poll()) != null; ) {
            s.flushRequested.set(false);
            if (s.flush()) {
                stillWaiting.add(s);
            }
        }
        for (Subscription s; (s = stillWaiting.poll()) != null; ) {
            requestFlush(s);
        }
    }

    /** Sessions subscribed now. */
    public int sessions() {
        return open.get();
    }

    /** Channels with subscribers, or within their grace period after the last one left. */
    public int channels() {
        return channels.size();
    }

    void sent(int frames) {
        framesSent.add(frames);
    }

    public long framesSent() {
        return framesSent.sum();
    }

    /** Frames discarded with the queues of sessions closed as too slow. */
    public long framesDropped() {
        return framesDropped.sum();
    }

    public long slowClosed() {
        return slowClosed.sum();
    }

    void closedSlow(int dropped) {
        slowClosed.increment();
        framesDropped.add(dropped);
    }

    CloseReason slowReason() {
        return slowReason;
    }

    void dropIfStillStalled(Subscription subscription) {
        scheduler.schedule(subscription::closeStalled, SLOW_CLOSE_GRACE_SECONDS, TimeUnit.SECONDS);
    }

    /** Closing writes a close frame, which may block on a stuck client: never on the listener thread. */
    void close(Session session, CloseReason reason) {
        LOG.fine(() -> "closing session " + session.getId() + ": " + reason.getCloseCode().getCode() + " "
                + reason.getReasonPhrase());
        executor.execute(() -> {
            try {
                session.close(reason);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "closing a session", e);
            }
        });
    }

    /** Undeploy or shutdown: every client is told the server is going away (1001), not left with a dropped socket. */
    @PreDestroy
    void goingAway() {
        if (pings != null) {
            pings.cancel(false);
        }
        sweeps.cancel(false);
        CloseReason reason = new CloseReason(CloseCodes.GOING_AWAY, "server shutting down");
        for (Channel channel : channels.values()) {
            for (Subscription member : channel.members) {
                member.closeNow(reason);
            }
        }
    }
}
