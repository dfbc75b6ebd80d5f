package pgeventserv.fanout;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * One channel: its name, its LISTEN, its members, its history and the current poll's batch.
 *
 * <p>Threads. The member array and the count of subscribers on their way in change only under the
 * {@link Channels} lock (copy-on-write); the listener thread reads the array without it. The LISTEN future is set
 * once, before the channel is published. History, batch and where its durable continuity starts are the listener
 * thread's alone.
 */
final class Channel {

    private static final Subscriber[] NONE = {};

    final String name;
    final History history;
    final Batch batch = new Batch();
    private final CompletableFuture<Void> listening;
    private volatile Subscriber[] members = NONE;
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

    // Under the Channels lock.

    void joining() {
        joining++;
        unusedSinceNanos = 0;
    }

    /** A subscriber on its way in arrived, as a member or not (it left meanwhile). */
    void arrived(Subscriber subscriber, boolean member, long nowNanos) {
        joining--;
        if (member) {
            members = with(members, subscriber);
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
        Subscriber[] fewer = Arrays.copyOf(m, m.length - 1);
        System.arraycopy(m, i + 1, fewer, i, m.length - i - 1);
        members = fewer;
        markIfUnused(nowNanos);
        return true;
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
