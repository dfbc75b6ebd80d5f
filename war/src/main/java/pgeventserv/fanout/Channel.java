package pgeventserv.fanout;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import pgeventserv.fanout.filter.ChannelFilters;

/**
 * One channel: its name, its LISTEN, its members (those without a filter apart), its filtered members' index, its
 * history and the current poll's batch.
 *
 * <p>Threads. The member arrays and the count of subscribers on their way in change only under the
 * {@link Channels} lock (copy-on-write); the listener thread reads the arrays without it. The LISTEN future is set
 * once, before the channel is published. History, batch, the filter index and where its durable continuity starts
 * are the listener thread's alone.
 */
final class Channel {

    private static final Subscriber[] NONE = {};

    final String name;
    final History history;
    final Batch batch = new Batch();
    private final CompletableFuture<Void> listening;
    private volatile Subscriber[] members = NONE;
    /** The members without a filter on this channel: they get the batch as it is. */
    private volatile Subscriber[] plain = NONE;
    /** Listener thread: the members with a filter on this channel (and, until their leaving is told, some gone). */
    final ChannelFilters<Subscriber> filters = new ChannelFilters<>();
    /** Under the {@link Channels} lock: subscribers on their way in; the channel is not UNLISTENed while there are any. */
    private int joining;
    /** Under the {@link Channels} lock: when it last became unused (no member, nobody joining); 0 while used. */
    private long unusedSinceNanos;
    /**
     * Listener thread: every durable event of the channel above this position reaches this server (the newest
     * committed once its LISTEN was in effect); at its largest until that is known.
     */
    private long durableSince = Long.MAX_VALUE;

    Channel(String name, History history, CompletableFuture<Void> listening) {
        this.name = name;
        this.history = history;
        this.listening = listening;
    }

    /** Completes once the channel's LISTEN is in effect. */
    CompletableFuture<Void> listening() {
        return listening;
    }

    boolean listenedNow() {
        return listening.isDone();
    }

    Subscriber[] members() {
        return members;
    }

    /** The members without a filter on this channel. */
    Subscriber[] plainMembers() {
        return plain;
    }

    // Under the Channels lock.

    void joining() {
        joining++;
        unusedSinceNanos = 0;
    }

    /**
     * A subscriber on its way in arrived, as a member or not (it left meanwhile); a filtered one is not among the
     * plain members (the caller files it in {@link #filters}).
     */
    void arrived(Subscriber subscriber, boolean member, boolean filtered, long nowNanos) {
        joining--;
        if (member) {
            members = with(members, subscriber);
            if (!filtered) {
                plain = with(plain, subscriber);
            }
        }
        markIfUnused(nowNanos);
    }

    /** Takes the subscriber off the members; false when it was not one. */
    boolean remove(Subscriber subscriber, long nowNanos) {
        Subscriber[] m = members;
        int i = Arrays.asList(m).indexOf(subscriber);
        if (i < 0) {
            return false;
        }
        members = without(m, i);
        Subscriber[] p = plain;
        int j = Arrays.asList(p).indexOf(subscriber);
        if (j >= 0) {
            plain = without(p, j);
        }
        markIfUnused(nowNanos);
        return true;
    }

    private static Subscriber[] without(Subscriber[] array, int i) {
        Subscriber[] fewer = Arrays.copyOf(array, array.length - 1);
        System.arraycopy(array, i + 1, fewer, i, array.length - i - 1);
        return fewer;
    }

    boolean unused() {
        return members.length == 0 && joining == 0;
    }

    /** Whether it has been unused for at least {@code graceNanos}. */
    boolean unusedFor(long graceNanos, long nowNanos) {
        return unused() && unusedSinceNanos != 0 && nowNanos - unusedSinceNanos >= graceNanos;
    }

    private void markIfUnused(long nowNanos) {
        if (unused() && unusedSinceNanos == 0) {
            // Never 0 itself: 0 means "in use".
            unusedSinceNanos = nowNanos == 0 ? 1 : nowNanos;
        }
    }

    private static Subscriber[] with(Subscriber[] array, Subscriber element) {
        Subscriber[] more = Arrays.copyOf(array, array.length + 1);
        more[array.length] = element;
        return more;
    }

    // Listener thread.

    long durableSince() {
        return durableSince;
    }

    void durableSince(long position) {
        durableSince = position;
    }

    boolean durableSinceKnown() {
        return durableSince != Long.MAX_VALUE;
    }
}
