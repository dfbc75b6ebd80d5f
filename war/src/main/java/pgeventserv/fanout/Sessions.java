package pgeventserv.fanout;

import java.util.Iterator;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every subscriber registered, and what is done to all of them: admission (at most {@code MaxSessions}), the
 * periodic sweep (handshakes that never opened, deadlines such as a token's expiry), keep-alive ticks and the
 * shutdown. One sweep for all rather than a timer per session: a managed timer costs a few hundred bytes of captured
 * context per session, and a session that ends leaves nothing scheduled behind.
 *
 * <p>Threads: any; the set and the count are concurrent.
 */
final class Sessions {

    /** How long a subscription whose connection never opened (a failed handshake) is kept. */
    static final long UNOPENED_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final int maxSessions;
    private final AtomicInteger open = new AtomicInteger();
    private final Set<Subscriber> all = ConcurrentHashMap.newKeySet();
    private final Queue<Subscriber> unopened = new ConcurrentLinkedQueue<>();

    Sessions(int maxSessions) {
        this.maxSessions = maxSessions;
    }

    /** Takes one of the places; false when all are taken. */
    boolean admit(Subscriber subscriber) {
        if (open.incrementAndGet() > maxSessions) {
            open.decrementAndGet();
            return false;
        }
        subscriber.counted();
        all.add(subscriber);
        unopened.add(subscriber);
        return true;
    }

    /** Gives its place back; a second call does nothing. */
    void release(Subscriber subscriber) {
        all.remove(subscriber);
        if (subscriber.uncounted()) {
            open.decrementAndGet();
        }
    }

    boolean full() {
        return open.get() >= maxSessions;
    }

    int count() {
        return open.get();
    }

    int max() {
        return maxSessions;
    }

    /** Ends subscriptions whose connection never opened, and closes those whose deadline has passed. */
    void sweep(long nowNanos, long nowMillis) {
        for (Iterator<Subscriber> it = unopened.iterator(); it.hasNext(); ) {
            Subscriber subscriber = it.next();
            if (subscriber.state() != Subscriber.State.HANDSHAKE) {
                it.remove();
            } else if (nowNanos - subscriber.createdNanos() > UNOPENED_TIMEOUT_NANOS) {
                it.remove();
                subscriber.end();
            }
        }
        for (Subscriber subscriber : all) {
            subscriber.closeIfDue(nowMillis);
        }
    }

    /** Keep-alive tick: every open subscriber; those that did not answer the last one are closed. */
    void keepAlive(Farewell dead) {
        for (Subscriber s : all) {
            s.keepAlive(dead);
        }
    }

    /** Undeploy or shutdown: every client is told the server is going away, not left with a dropped connection. */
    void shutdown() {
        for (Subscriber s : all) {
            s.shutdown();
        }
    }
}
