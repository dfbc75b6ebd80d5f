package pgeventserv.fanout;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Function;
import pgeventserv.fanout.filter.Filter;

/**
 * The transports' way in: a client becomes a {@link Subscriber} of its channels here, within {@code MaxSessions}
 * and {@code MaxChannels}, and the periodic work on all of them starts here. It joins its channels on the listener
 * thread ({@link Joins}), once their LISTEN is in effect, so what it is sent first (a reply, a gap, a replay) and its
 * live events meet without a seam.
 *
 * <p>Threads: any. The channel table, the sessions and the moves are each safe for that; the list of subscribers
 * waiting for their writer is taken by the listener thread after every poll.
 */
public final class Subscriptions {

    private final Limits limits;
    private final Channels channels;
    private final Sessions sessions;
    private final Moves moves = new Moves();
    private final Counters counters = new Counters();
    private final Queue<Subscriber> awaiting = new ConcurrentLinkedQueue<>();
    private final int maxChannels;
    private final WriteLanes lanes;

    /**
     * @param listen      asks for a channel's LISTEN; the future completes once it is in effect
     * @param unlisten    asks for a channel's UNLISTEN
     * @param graceNanos  how long an unused channel stays LISTENed (for clients that come back to resume)
     */
    public Subscriptions(Limits limits, HistoryLimits historyLimits, int maxSessions, int maxChannels,
            Function<String, CompletableFuture<Void>> listen, Consumer<String> unlisten, long graceNanos) {
        this(limits, historyLimits, maxSessions, maxChannels, listen, unlisten, graceNanos, WriteLanes.NONE);
    }

    /** As the other, each subscriber's writes made on one of {@code lanes} (none: by whoever delivers). */
    public Subscriptions(Limits limits, HistoryLimits historyLimits, int maxSessions, int maxChannels,
            Function<String, CompletableFuture<Void>> listen, Consumer<String> unlisten, long graceNanos,
            WriteLanes lanes) {
        this.lanes = lanes;
        this.limits = limits;
        this.maxChannels = maxChannels;
        this.channels = new Channels(historyLimits, maxChannels, listen, unlisten, graceNanos);
        this.sessions = new Sessions(maxSessions);
    }

    /**
     * Registers a subscriber, queuing from now on, and asks for the LISTEN of each channel that is new. It joins
     * them on the listener thread; with {@code lastEventId}, it first gets a gap if continuity cannot be proven, then
     * what the channels hold after that id. A subscriber that finds no place (sessions or channels) is made closing
     * with the reason: its transport answers 503, or closes it with 1013 as soon as it opens.
     *
     * @param multi whether the client takes several channels on one connection (even if it names one now)
     */
    public Subscriber subscribe(List<String> channelNames, Format format, boolean multi, String lastEventId) {
        return subscribe(channelNames, format, multi, lastEventId, Map.of());
    }

    /**
     * As {@link #subscribe(List, Format, boolean, String)}, each channel named in {@code filters} filtered
     * (DESIGN §13): its live events, history replays and resumes reach the subscriber only when they match.
     */
    public Subscriber subscribe(List<String> channelNames, Format format, boolean multi, String lastEventId,
            Map<String, Filter> filters) {
        Subscriber subscriber = new Subscriber(format, multi, limits, this);
        if (!sessions.admit(subscriber)) {
            return Subscriber.refused(format, limits, this, new Farewell(Farewell.TRY_AGAIN_LATER,
                    "server full: " + sessions.max() + " sessions open"));
        }
        if (!channelNames.isEmpty() && !join(subscriber, channelNames, lastEventId, null, filters)) {
            sessions.release(subscriber);
            return Subscriber.refused(format, limits, this, tooManyChannels());
        }
        return subscriber;
    }

    /** Why a new channel is refused while {@code MaxChannels} exist. */
    public Farewell tooManyChannels() {
        return new Farewell(Farewell.TRY_AGAIN_LATER, "too many channels: " + maxChannels + " are listened to");
    }

    boolean join(Subscriber subscriber, List<String> names, String lastEventId, Frame announce,
            Map<String, Filter> filters) {
        if (!channels.reserve(names)) {
            return false;
        }
        moves.add(Move.join(subscriber, names, lastEventId, announce, nonEmpty(filters)));
        return true;
    }

    /** Only the filters that filter: a channel without one costs its subscriber nothing on delivery. */
    private static Map<String, Filter> nonEmpty(Map<String, Filter> filters) {
        if (filters.isEmpty()) {
            return Map.of();
        }
        Map<String, Filter> some = new HashMap<>();
        filters.forEach((channel, filter) -> {
            if (!filter.isEmpty()) {
                some.put(channel, filter);
            }
        });
        return some.isEmpty() ? Map.of() : Map.copyOf(some);
    }

    /** The subscriber leaves every channel and gives its place back. */
    void leave(Subscriber subscriber) {
        channels.removeEverywhere(subscriber, System.nanoTime());
        sessions.release(subscriber);
    }

    /** The subscriber waits for its writer: drain it again after the next poll. */
    void awaitWritable(Subscriber subscriber) {
        if (subscriber.markAwaiting()) {
            awaiting.add(subscriber);
        }
    }

    /** Listener thread: everyone who asked to be drained again, taken off the list (they ask again if need be). */
    void takeAwaiting(ArrayDeque<Subscriber> into) {
        for (Subscriber s; (s = awaiting.poll()) != null; ) {
            s.takenOffAwaiting();
            into.add(s);
        }
    }

    Channels channels() {
        return channels;
    }

    WriteLanes lanes() {
        return lanes;
    }

    Moves moves() {
        return moves;
    }

    public Counters counters() {
        return counters;
    }

    /** Whether another subscriber would exceed {@code MaxSessions}: handshakes are refused with 503 then. */
    public boolean full() {
        return sessions.full();
    }

    /** Whether a client may ask for these channels now: those not listened to yet fit within {@code MaxChannels}. */
    public boolean roomFor(List<String> names) {
        return channels.roomFor(names);
    }

    /** Whether the channel exists and its LISTEN is in effect. */
    public boolean listened(String channel) {
        Channel c = channels.get(channel);
        return c != null && c.listenedNow();
    }

    /** Completes once the channel is LISTENed (at once for a channel nobody subscribes to). */
    public CompletableFuture<Void> listening(String channel) {
        return channels.listening(channel);
    }

    /** Subscribers registered now. */
    public int sessionCount() {
        return sessions.count();
    }

    /** Channels with subscribers, or within their grace period after the last one left. */
    public int channelCount() {
        return channels.count();
    }

    /** Events held in every channel's history. */
    public long historyMessages() {
        long n = 0;
        for (Channel channel : channels.all()) {
            n += channel.history.count();
        }
        return n;
    }

    /** Their payloads' bytes. */
    public long historyBytes() {
        long n = 0;
        for (Channel channel : channels.all()) {
            n += channel.history.bytes();
        }
        return n;
    }

    /**
     * The periodic sweep (once a second is plenty): handshakes that never opened, deadlines passed, channels unused
     * for their grace.
     */
    public void sweep(long nowNanos, long nowMillis) {
        sessions.sweep(nowNanos, nowMillis);
        channels.sweep(nowNanos);
    }

    /** Keep-alive tick: every open subscriber; those that did not answer the last one are closed. */
    public void keepAlive(Farewell dead) {
        sessions.keepAlive(dead);
    }

    /** Undeploy or shutdown: every client is told the server is going away. */
    public void shutdown() {
        sessions.shutdown();
    }
}
