package pgeventserv.fanout;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
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
 * the channel is UNLISTENed after a grace period ({@code HistoryAge} while there is history to resume from, so a
 * client that comes back in time has missed nothing; the listened set cannot grow forever). Admission too: at
 * most {@code MaxSessions} subscribers.
 *
 * <p>Threads: subscribing and leaving come from the server's threads. A subscriber joins its channels on the
 * listener thread ({@link Fanout#pollCompleted}), once their LISTEN is in effect and before that poll's events go
 * out, so what it is sent first (a reply, a gap, a replay from history) and its live events meet without a seam.
 * Member arrays change copy-on-write under one lock (the cold path); the listener thread reads them without one.
 */
public final class Registry {

    /** How long a subscription whose connection never opened (a failed handshake) is kept. */
    static final long UNOPENED_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** One channel: its members, its LISTEN, its history and, for the listener thread, the current poll's batch. */
    static final class Channel {
        private static final Subscriber[] NONE = {};
        final String name;
        final History history;
        final Batch batch = new Batch();
        volatile CompletableFuture<Void> listening;
        volatile Subscriber[] members = NONE;
        /** Subscribers on their way in: the channel is not UNLISTENed while there are any. */
        int joining;
        /**
         * Listener thread only: while a durable reference of the channel waits for its rows, it and every later
         * notification of the channel ({@link DurableRead} or payload), in arrival order; null until the first.
         */
        ArrayDeque<Object> held;
        /**
         * Listener thread only: every durable event of the channel above this position reaches this server (the
         * newest committed once its LISTEN was in effect); unknown, so at its largest, until that read is back.
         */
        long durableSince = Long.MAX_VALUE;

        boolean holding() {
            return held != null && !held.isEmpty();
        }

        Channel(String name, History history) {
            this.name = name;
            this.history = history;
        }

        boolean listenedNow() {
            CompletableFuture<Void> l = listening;
            return l != null && l.isDone();
        }
    }

    /** A subscriber's way into channels, or out of one, carried out on the listener thread. */
    record Move(Subscriber subscriber, List<String> channels, String lastEventId, Frame reply, boolean join) {
    }

    private final Limits limits;
    private final HistoryLimits historyLimits;
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
    private final Queue<Channel> created = new ConcurrentLinkedQueue<>();
    private final Queue<Move> moves = new ConcurrentLinkedQueue<>();
    // Listener thread only: moves taken from the queue that wait for a LISTEN, in the order they were asked.
    private final ArrayDeque<Move> waiting = new ArrayDeque<>();
    private final Set<Subscriber> all = ConcurrentHashMap.newKeySet();
    // Listener thread only: subscribers whose resume is reading durable events; their later moves wait.
    private final Set<Subscriber> reading = Collections.newSetFromMap(new IdentityHashMap<>());

    /**
     * @param listen   asks for a channel's LISTEN; the future completes once it is in effect
     * @param unlisten asks for a channel's UNLISTEN
     */
    public Registry(Limits limits, HistoryLimits historyLimits, int maxSessions,
            Function<String, CompletableFuture<Void>> listen, Consumer<String> unlisten,
            ScheduledExecutorService scheduler, long unlistenGraceMillis) {
        this.limits = limits;
        this.historyLimits = historyLimits;
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
     * Registers a subscriber, queuing from now on, and asks for the LISTEN of each channel that is new. It joins
     * them on the listener thread; with {@code lastEventId}, it first gets a gap if continuity cannot be proven,
     * then what the channels' histories hold after that id, merged in delivery order. One that loses the race for
     * the last place is made closed: it is told so as soon as its connection opens.
     *
     * @param multi whether the client takes several channels on one connection (even if it names one now)
     */
    public Subscriber subscribe(List<String> channelNames, Format format, boolean multi, String lastEventId) {
        if (open.incrementAndGet() > maxSessions) {
            open.decrementAndGet();
            return Subscriber.refused(format, limits, this, new Farewell(Farewell.TRY_AGAIN_LATER,
                    "server full: " + maxSessions + " sessions open"));
        }
        Subscriber subscriber = new Subscriber(format, multi, limits, this);
        subscriber.counted.set(true);
        all.add(subscriber);
        unopened.add(subscriber);
        if (!channelNames.isEmpty()) {
            join(subscriber, channelNames, lastEventId, null);
        }
        return subscriber;
    }

    void join(Subscriber subscriber, List<String> channelNames, String lastEventId, Frame announce) {
        synchronized (channels) {
            for (String name : channelNames) {
                Channel channel = channels.get(name);
                if (channel == null) {
                    channel = new Channel(name, historyLimits.history());
                    // Queued before its LISTEN is asked for, so the listener thread sees it by the time the LISTEN
                    // is in effect and marks the history's start at the right position; published with its
                    // future set, so a handshake that finds it always has a LISTEN to wait for.
                    created.add(channel);
                    channel.listening = listen.apply(name);
                    channels.put(name, channel);
                }
                channel.joining++;
            }
        }
        moves.add(new Move(subscriber, channelNames, lastEventId, announce, true));
    }

    void part(Subscriber subscriber, String channel, Frame reply) {
        moves.add(new Move(subscriber, List.of(channel), null, reply, false));
    }

    /** Completes once the channel is LISTENed (at once for a channel nobody subscribes to). */
    public CompletableFuture<Void> listening(String channelName) {
        Channel channel = channels.get(channelName);
        CompletableFuture<Void> l = channel == null ? null : channel.listening;
        return l == null ? CompletableFuture.completedFuture(null) : l;
    }

    /** Listener thread: channels whose LISTEN has taken effect start their history at {@code position}. */
    void markListened(long position, Consumer<Channel> listened) {
        for (Iterator<Channel> it = created.iterator(); it.hasNext(); ) {
            Channel channel = it.next();
            if (channel.listenedNow()) {
                channel.history.listened(position);
                it.remove();
                listened.accept(channel);
            }
        }
    }

    /**
     * Listener thread: the moves whose channels are LISTENed (or whose subscriber is gone), in the order asked;
     * a join waiting for its LISTEN holds back the moves of its subscriber behind it.
     */
    void takeMoves(ArrayDeque<Move> ready) {
        for (Move m; (m = moves.poll()) != null; ) {
            waiting.add(m);
        }
        if (waiting.isEmpty()) {
            return;
        }
        Set<Subscriber> held = null;
        for (Iterator<Move> it = waiting.iterator(); it.hasNext(); ) {
            Move move = it.next();
            Subscriber s = move.subscriber();
            boolean go = s.state() == Subscriber.State.CLOSED
                    || (held == null || !held.contains(s)) && (reading.isEmpty() || !reading.contains(s))
                    && (!move.join() || listened(move.channels()));
            if (go) {
                it.remove();
                ready.add(move);
            } else {
                if (held == null) {
                    held = Collections.newSetFromMap(new IdentityHashMap<>());
                }
                held.add(s);
            }
        }
    }

    /** Listener thread: the subscriber's resume reads durable events; its later moves wait until {@link #resumed}. */
    void resuming(Subscriber subscriber) {
        reading.add(subscriber);
    }

    /** Listener thread: the subscriber's resume is done. */
    void resumed(Subscriber subscriber) {
        reading.remove(subscriber);
    }

    /** Listener thread: the joins still waiting for a LISTEN. */
    void forEachWaitingJoin(Consumer<Move> action) {
        for (Move m; (m = moves.poll()) != null; ) {
            waiting.add(m);
        }
        for (Move m : waiting) {
            if (m.join()) {
                action.accept(m);
            }
        }
    }

    private boolean listened(List<String> names) {
        for (String name : names) {
            Channel channel = channels.get(name);
            if (channel == null || !channel.listenedNow() || !channel.history.listened()) {
                return false;
            }
        }
        return true;
    }

    /** Listener thread: makes the subscriber a member of the channels; false when it is gone meanwhile. */
    boolean admit(Subscriber subscriber, List<String> names) {
        synchronized (channels) {
            boolean gone = subscriber.state() == Subscriber.State.CLOSED
                    || subscriber.state() == Subscriber.State.CLOSING;
            String[] joined = subscriber.channels;
            for (String name : names) {
                Channel channel = channels.get(name);
                channel.joining--;
                if (gone || Arrays.asList(joined).contains(name)) {
                    unlistenLaterIfUnused(channel);
                    continue;
                }
                channel.members = with(channel.members, subscriber);
                joined = Arrays.copyOf(joined, joined.length + 1);
                joined[joined.length - 1] = name;
            }
            subscriber.channels = joined;
            return !gone;
        }
    }

    /** Listener thread: takes the subscriber off one channel. */
    void removeFrom(Subscriber subscriber, String name) {
        synchronized (channels) {
            Channel channel = channels.get(name);
            String[] joined = subscriber.channels;
            int i = Arrays.asList(joined).indexOf(name);
            if (channel == null || i < 0) {
                return;
            }
            subscriber.channels = without(joined, i);
            channel.members = without(channel.members, Arrays.asList(channel.members).indexOf(subscriber));
            unlistenLaterIfUnused(channel);
        }
    }

    /** Takes the subscriber off every channel and frees its place; a second call does nothing. */
    void leave(Subscriber subscriber) {
        synchronized (channels) {
            for (String name : subscriber.channels) {
                Channel channel = channels.get(name);
                if (channel == null) {
                    continue;
                }
                int i = Arrays.asList(channel.members).indexOf(subscriber);
                if (i >= 0) {
                    channel.members = without(channel.members, i);
                    unlistenLaterIfUnused(channel);
                }
            }
            subscriber.channels = new String[0];
        }
        all.remove(subscriber);
        if (subscriber.counted.compareAndSet(true, false)) {
            open.decrementAndGet();
        }
    }

    private static <T> T[] with(T[] array, T element) {
        T[] more = Arrays.copyOf(array, array.length + 1);
        more[array.length] = element;
        return more;
    }

    private static <T> T[] without(T[] array, int i) {
        if (i < 0) {
            return array;
        }
        T[] fewer = Arrays.copyOf(array, array.length - 1);
        System.arraycopy(array, i + 1, fewer, i, array.length - i - 1);
        return fewer;
    }

    /** Under the lock. */
    private void unlistenLaterIfUnused(Channel channel) {
        if (channel.members.length == 0 && channel.joining == 0) {
            scheduler.schedule(() -> unlistenIfUnused(channel), unlistenGraceMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void unlistenIfUnused(Channel channel) {
        synchronized (channels) {
            if (channel.members.length == 0 && channel.joining == 0 && channels.remove(channel.name, channel)) {
                created.remove(channel);
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

    /** Events held in every channel's history. */
    public long historyMessages() {
        long n = 0;
        for (Channel channel : channels.values()) {
            n += channel.history.count();
        }
        return n;
    }

    /** Their payloads' bytes. */
    public long historyBytes() {
        long n = 0;
        for (Channel channel : channels.values()) {
            n += channel.history.bytes();
        }
        return n;
    }

    /** Keep-alive tick: every open subscriber; those that did not answer the last one are closed. */
    public void keepAlive(Farewell dead) {
        for (Subscriber s : all) {
            s.keepAlive(dead);
        }
    }

    /** Undeploy or shutdown: every client is told the server is going away, not left with a dropped connection. */
    public void shutdown() {
        for (Subscriber s : all) {
            s.shutdown();
        }
    }
}
