package pgeventserv.fanout;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Function;
import pgeventserv.fanout.filter.Filter;

/**
 * The channels with subscribers (or within their grace after the last one left): the first subscriber of a channel
 * asks for its LISTEN, at most {@code MaxChannels} exist at once, and a channel unused for its grace
 * ({@code HistoryAge} while there is history to resume from) is UNLISTENed by {@link #sweep}, one periodic task for
 * all rather than a timer per channel.
 *
 * <p>Threads. Channels are made, joined and left by the server's threads and the listener thread, under one lock
 * (the cold path); the map and each channel's member array are read without it.
 */
final class Channels {

    private final HistoryLimits historyLimits;
    private final int maxChannels;
    private final Function<String, CompletableFuture<Void>> listen;
    private final Consumer<String> unlisten;
    private final long graceNanos;
    private final Map<String, Channel> channels = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    /** Made and not yet known to the listener thread as LISTENed. */
    private final Queue<Channel> created = new ConcurrentLinkedQueue<>();
    /** Filtered subscribers that left every channel, for the listener thread to take out of the filter indexes. */
    private final Queue<Subscriber> departing = new ConcurrentLinkedQueue<>();

    /**
     * @param listen   asks for a channel's LISTEN; the future completes once it is in effect
     * @param unlisten asks for a channel's UNLISTEN
     */
    Channels(HistoryLimits historyLimits, int maxChannels, Function<String, CompletableFuture<Void>> listen,
            Consumer<String> unlisten, long graceNanos) {
        this.historyLimits = historyLimits;
        this.maxChannels = maxChannels;
        this.listen = listen;
        this.unlisten = unlisten;
        this.graceNanos = graceNanos;
    }

    /**
     * A subscriber is on its way into these channels: each that does not exist is made and its LISTEN asked for.
     * False, and nothing changed, when that would make more than {@code MaxChannels}.
     */
    boolean reserve(List<String> names) {
        synchronized (lock) {
            int missing = 0;
            for (String name : names) {
                if (!channels.containsKey(name)) {
                    missing++;
                }
            }
            if (missing > 0 && channels.size() + missing > maxChannels) {
                return false;
            }
            for (String name : names) {
                Channel channel = channels.get(name);
                if (channel == null) {
                    // Queued before its LISTEN is asked for, so the listener thread sees it by the time the LISTEN is
                    // in effect; published with its future set, so whoever finds it has a LISTEN to wait for.
                    channel = new Channel(name, historyLimits.history(), listen.apply(name));
                    created.add(channel);
                    channels.put(name, channel);
                }
                channel.joining();
            }
            return true;
        }
    }

    /**
     * Listener thread: the subscriber arrives in the channels it reserved, as a member unless it is gone (then the
     * places it reserved are given back), filed in the filter index of each channel the move filters; false when
     * it is gone.
     */
    boolean arrive(Subscriber subscriber, Move move, long nowNanos) {
        synchronized (lock) {
            boolean gone = subscriber.gone();
            for (String name : move.channels()) {
                Channel channel = channels.get(name);
                boolean member = !gone && !subscriber.in(name);
                Filter filter = move.filter(name);
                channel.arrived(subscriber, member, !filter.isEmpty(), nowNanos);
                if (member) {
                    subscriber.joined(name);
                    if (!filter.isEmpty()) {
                        channel.filters.add(subscriber, filter);
                        subscriber.filteredIn(channel);
                    }
                }
            }
            return !gone;
        }
    }

    /** Listener thread: takes the subscriber off one channel. */
    void remove(Subscriber subscriber, String name, long nowNanos) {
        synchronized (lock) {
            Channel channel = channels.get(name);
            if (channel != null && channel.remove(subscriber, nowNanos)) {
                subscriber.left(name);
                if (channel.filters.remove(subscriber)) {
                    subscriber.unfilteredIn(channel);
                }
            }
        }
    }

    /**
     * Takes the subscriber off every channel; a second call does nothing. Any thread: the filter indexes it is in
     * are the listener thread's, which is told ({@link #takeDepartures}).
     */
    void removeEverywhere(Subscriber subscriber, long nowNanos) {
        synchronized (lock) {
            for (String name : subscriber.channelNames()) {
                Channel channel = channels.get(name);
                if (channel != null) {
                    channel.remove(subscriber, nowNanos);
                }
            }
            subscriber.leftAll();
            if (subscriber.departsFiltered()) {
                departing.add(subscriber);
            }
        }
    }

    /** Listener thread: the filtered subscribers that left leave the filter indexes too. */
    void takeDepartures() {
        for (Subscriber s; (s = departing.poll()) != null; ) {
            for (Channel channel : s.filteredChannels()) {
                channel.filters.remove(s);
                s.unfilteredIn(channel);
            }
        }
    }

    /** UNLISTENs the channels unused for their grace. */
    void sweep(long nowNanos) {
        List<String> gone = null;
        synchronized (lock) {
            for (Iterator<Channel> it = channels.values().iterator(); it.hasNext(); ) {
                Channel channel = it.next();
                if (channel.unusedFor(graceNanos, nowNanos)) {
                    it.remove();
                    created.remove(channel);
                    if (gone == null) {
                        gone = new ArrayList<>();
                    }
                    gone.add(channel.name);
                }
            }
        }
        if (gone != null) {
            gone.forEach(unlisten);
        }
    }

    /** Listener thread: each channel made since the last call whose LISTEN is now in effect, once. */
    void takeListened(Consumer<Channel> listened) {
        for (Iterator<Channel> it = created.iterator(); it.hasNext(); ) {
            Channel channel = it.next();
            if (channel.listenedNow()) {
                it.remove();
                listened.accept(channel);
            }
        }
    }

    Channel get(String name) {
        return channels.get(name);
    }

    Collection<Channel> all() {
        return channels.values();
    }

    int count() {
        return channels.size();
    }

    /** Whether a subscriber may ask for this channel now: it exists, or there is room for one more. */
    boolean roomFor(String name) {
        return channels.containsKey(name) || channels.size() < maxChannels;
    }

    /** Completes once the channel is LISTENed (at once for a channel nobody subscribes to). */
    CompletableFuture<Void> listening(String name) {
        Channel channel = channels.get(name);
        return channel == null ? CompletableFuture.completedFuture(null) : channel.listening();
    }

    /** Whether every one of these channels is LISTENed and its history started. */
    boolean listened(List<String> names) {
        for (String name : names) {
            Channel channel = channels.get(name);
            if (channel == null || !channel.listenedNow() || !channel.history.listened()) {
                return false;
            }
        }
        return true;
    }
}
