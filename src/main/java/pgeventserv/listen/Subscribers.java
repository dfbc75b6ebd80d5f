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
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import pgeventserv.notification.Notification;
import pgeventserv.notification.NotificationListener;
import pgeventserv.notification.PollCompleted;

/**
 * The multiplexer: channel → the subscriptions listening on it. The first subscriber of a channel asks
 * the listener to LISTEN; when the last one leaves, the channel is UNLISTENed after a short grace period
 * (so a client that reconnects at once does not cost a round trip, and the listened set cannot grow forever).
 *
 * <p>Delivery ({@link #deliver}) runs on the listener thread for every notification and takes no lock:
 * it reads the channel's member array, which subscribe/unsubscribe replace copy-on-write under the
 * {@code channels} lock (the cold path).
 */
@ApplicationScoped
public class Subscribers {

    private static final Logger LOG = Logger.getLogger(Subscribers.class.getName());
    static final long UNLISTEN_GRACE_MILLIS = 1_000;
    static final long UNOPENED_TIMEOUT_SECONDS = 30;

    @Inject
    NotificationListener listener;

    @Resource
    ManagedExecutorService executor;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "SessionQueueMessages", defaultValue = "10000")
    int queueMessages;

    @Inject
    @ConfigProperty(name = "SessionQueueBytes", defaultValue = "16777216")
    long queueBytes;

    private final Map<String, Channel> channels = new ConcurrentHashMap<>();
    private final Queue<Subscription> flushRequests = new ConcurrentLinkedQueue<>();
    // Listener thread only: subscriptions whose frames still wait after a flush.
    private final ArrayDeque<Subscription> stillWaiting = new ArrayDeque<>();
    private final LongAdder framesSent = new LongAdder();
    private final LongAdder slowClosed = new LongAdder();
    private SessionLimits limits;

    private static final class Channel {
        private static final Subscription[] NONE = {};
        final CompletableFuture<Void> listening;
        volatile Subscription[] members = NONE;

        Channel(CompletableFuture<Void> listening) {
            this.listening = listening;
        }
    }

    @PostConstruct
    void init() {
        limits = new SessionLimits(queueMessages, queueBytes);
    }

    /**
     * Registers a new subscription, queuing from now on, and asks for the channel's LISTEN if it is the
     * first. A subscription whose session never opens (a failed handshake) is dropped after a while.
     */
    Subscription subscribe(String channelName) {
        Subscription subscription = new Subscription(channelName, this, limits);
        Channel channel;
        synchronized (channels) {
            channel = channels.get(channelName);
            if (channel == null) {
                channel = new Channel(listener.listen(channelName));
                channels.put(channelName, channel);
            }
            Subscription[] members = Arrays.copyOf(channel.members, channel.members.length + 1);
            members[members.length - 1] = subscription;
            channel.members = members;
        }
        scheduler.schedule(() -> {
            if (!subscription.attached()) {
                subscription.cancel();
            }
        }, UNOPENED_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return subscription;
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

    void deliver(@Observes Notification notification) {
        Channel channel = channels.get(notification.channel());
        if (channel == null) {
            return;
        }
        Subscription[] members = channel.members;
        if (members.length == 0) {
            return;
        }
        Frame frame = Frame.of(notification.payload());
        for (Subscription member : members) {
            member.offer(frame);
        }
    }

    /** Raw path: the subscription's frames go out when the listener thread finishes the current poll. */
    void requestFlush(Subscription subscription) {
        if (subscription.flushRequested.compareAndSet(false, true)) {
            flushRequests.add(subscription);
        }
    }

    /**
     * After each poll, on the listener thread: one write per client with everything queued for it. A client
     * whose last write is not taken yet is tried again after the next poll (at most one poll interval later).
     */
    void flush(@Observes PollCompleted poll) {
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

    /** Channels LISTENed now, with their subscriber counts. */
    public Map<String, Integer> listened() {
        Map<String, Integer> counts = new HashMap<>();
        channels.forEach((name, channel) -> counts.put(name, channel.members.length));
        return counts;
    }

    void sent(int frames) {
        framesSent.add(frames);
    }

    public long framesSent() {
        return framesSent.sum();
    }

    public long slowClosed() {
        return slowClosed.sum();
    }

    void closeSlow(Subscription subscription, Session session) {
        slowClosed.increment();
        LOG.fine(() -> "closing a slow client of channel " + subscription.channel());
        close(session, new CloseReason(CloseCodes.TRY_AGAIN_LATER,
                "too slow: more than " + limits.messages() + " messages or " + limits.bytes() + " bytes queued"));
    }

    /** Closing writes a close frame, which may block on a stuck client: never on the listener thread. */
    void close(Session session, CloseReason reason) {
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
        CloseReason reason = new CloseReason(CloseCodes.GOING_AWAY, "server shutting down");
        for (Channel channel : channels.values()) {
            for (Subscription member : channel.members) {
                member.closeNow(reason);
            }
        }
    }
}
