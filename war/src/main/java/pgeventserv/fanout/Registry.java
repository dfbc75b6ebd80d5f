package pgeventserv.fanout;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Channels to their subscribers. The first subscriber of a channel asks for its LISTEN; when the last one leaves,
 * the channel is UNLISTENed after a grace period (a client that reconnects at once costs no round trip, and the
 * listened set cannot grow forever). Admission too: at most {@code MaxSessions} subscribers.
 *
 * <p>Threads: subscribe and leave come from the server's threads and change a channel's member array
 * copy-on-write under one lock (the cold path); the listener thread reads the arrays without one.
 */
public final class Registry {

    /** How long a subscription whose connection never opened (a failed handshake) is kept. */
    static final long UNOPENED_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** One channel: its members, its LISTEN and, for the listener thread, the current poll's batch. */
    static final class Channel {
        private static final Subscriber[] NONE = {};
        final String name;
        final CompletableFuture<Void> listening;
        final Batch batch;
        volatile Subscriber[] members = NONE;

        Channel(String name, CompletableFuture<Void> listening) {
            this.name = name;
            this.listening = listening;
            this.batch = new Batch(name);
        }
    }

    private final Limits limits;
    private final int maxSessions;
    private final Function<String, CompletableFuture<Void>> listen;
    private final Consumer<String> unlisten;
    private final ScheduledExecutorService scheduler;
    private final long unlistenGraceMillis;
    private final Counters counters = new Counters();
    private final Map<String, Channel> channels = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final Queue<Subscriber> awaiting = new ConcurrentLinkedQueue<>();
    private final Queue<Subscriber> unopened = new ConcurrentLinkedQueue<>();

    /**
     * @param listen   asks for a channel's LISTEN; the future completes once it is in effect
     * @param unlisten asks for a channel's UNLISTEN
     */
    public Registry(Limits limits, int maxSessions, Function<String, CompletableFuture<Void>> listen,
            Consumer<String> unlisten, ScheduledExecutorService scheduler, long unlistenGraceMillis) {
        this.limits = limits;
        this.maxSessions = maxSessions;
        this.listen = listen;
        this.unlisten = unlisten;
        this.scheduler = scheduler;
        this.unlistenGraceMillis = unlistenGraceMillis;
    }

    /** Whether another subscriber would exceed {@code MaxSessions}: handshakes are refused with 503 then. */
    public boolean full() {
        return open.get() >= maxSessions;
    }

    /**
     * Registers a subscriber, queuing from now on, and asks for the channel's LISTEN if it is the first. One that
     * loses the race for the last place is made closed: it is told so as soon as its connection opens.
     */
    public Subscriber subscribe(String channelName, Format format) {
        if (open.incrementAndGet() > maxSessions) {
            open.decrementAndGet();
            return Subscriber.refused(channelName, format, limits, this, new Farewell(Farewell.TRY_AGAIN_LATER,
                    "server full: " + maxSessions + " sessions open"));
        }
        Subscriber subscriber = new Subscriber(channelName, format, limits, this);
        synchronized (channels) {
            Channel channel = channels.computeIfAbsent(channelName, name -> new Channel(name, listen.apply(name)));
            Subscriber[] members = Arrays.copyOf(channel.members, channel.members.length + 1);
            members[members.length - 1] = subscriber;
            channel.members = members;
        }
        unopened.add(subscriber);
        return subscriber;
    }

    /** Completes once the channel is LISTENed (at once for a channel nobody subscribes to). */
    public CompletableFuture<Void> listening(String channelName) {
        Channel channel = channels.get(channelName);
        return channel == null ? CompletableFuture.completedFuture(null) : channel.listening;
    }

    /** Takes the subscriber off its channel; a second call does nothing. */
    void leave(Subscriber subscriber) {
        synchronized (channels) {
            Channel channel = channels.get(subscriber.channel());
            if (channel == null) {
                return;
            }
            Subscriber[] members = channel.members;
            int i = Arrays.asList(members).indexOf(subscriber);
            if (i < 0) {
                return;
            }
            open.decrementAndGet();
            Subscriber[] fewer = new Subscriber[members.length - 1];
            System.arraycopy(members, 0, fewer, 0, i);
            System.arraycopy(members, i + 1, fewer, i, members.length - i - 1);
            channel.members = fewer;
            if (fewer.length == 0) {
                scheduler.schedule(() -> unlistenIfUnused(channel), unlistenGraceMillis, TimeUnit.MILLISECONDS);
            }
        }
    }

    private void unlistenIfUnused(Channel channel) {
        synchronized (channels) {
            if (channel.members.length == 0 && channels.remove(channel.name, channel)) {
                unlisten.accept(channel.name);
            }
        }
    }

    /** The subscriber waits for its writer: drain it again after the next poll. */
    void awaitWritable(Subscriber subscriber) {
        if (subscriber.awaiting.compareAndSet(false, true)) {
            awaiting.add(subscriber);
        }
    }

    /** Listener thread: everyone who asked to be drained again, taken off the list (they ask again if need be). */
    void takeAwaiting(ArrayDeque<Subscriber> into) {
        for (Subscriber s; (s = awaiting.poll()) != null; ) {
            s.awaiting.set(false);
            into.add(s);
        }
    }

    /**
     * Ends subscriptions whose connection never opened. One sweep for all, rather than a timer per handshake: a
     * managed timer costs a few hundred bytes of captured context per session.
     */
    public void sweepUnopened(long nowNanos) {
        for (Iterator<Subscriber> it = unopened.iterator(); it.hasNext(); ) {
            Subscriber subscriber = it.next();
            if (subscriber.state() != Subscriber.State.HANDSHAKE) {
                it.remove();
            } else if (nowNanos - subscriber.createdNanos() > UNOPENED_TIMEOUT_NANOS) {
                it.remove();
                subscriber.end();
            }
        }
    }

    Channel channel(String name) {
        return channels.get(name);
    }

    Collection<Channel> channels() {
        return channels.values();
    }

    public Counters counters() {
        return counters;
    }

    /** Subscribers registered now. */
    public int sessions() {
        return open.get();
    }

    /** Channels with subscribers, or within their grace period after the last one left. */
    public int channelCount() {
        return channels.size();
    }

    /** Keep-alive tick: every open subscriber; those that did not answer the last one are closed. */
    public void keepAlive(Farewell dead) {
        for (Channel channel : channels.values()) {
            for (Subscriber member : channel.members) {
                member.keepAlive(dead);
            }
        }
    }

    /** Undeploy or shutdown: every client is told the server is going away, not left with a dropped connection. */
    public void shutdown() {
        for (Channel channel : channels.values()) {
            for (Subscriber member : channel.members) {
                member.shutdown();
            }
        }
    }
}
