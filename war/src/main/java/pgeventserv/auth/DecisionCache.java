package pgeventserv.auth;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * The {@code AuthorizeFunction}'s answers (of type {@code T}, never null) per token and channel, each kept for at most {@code ttlNanos}, so a storm
 * of handshakes with one token asks the database once. The first asker of a key asks, on its own thread; everyone
 * who comes while it does shares its one future, whatever it holds: an answer, or a failure (then all of them are
 * answered with it at once, and none asks again in turn). They wait {@code maxWaitNanos} at most, then fail. A
 * failure is not kept: the next asker asks again. At most {@code maxEntries} answers are kept; when full, the
 * expired go, and if that is not enough, all but those in flight.
 *
 * <p>Threads: any (the server's request threads).
 */
final class DecisionCache<T> {

    /** Asks the database; throws when it cannot answer. */
    @FunctionalInterface
    interface Question<T> {
        T ask() throws Exception;
    }

    private record Key(String token, String channel) {
    }

    private record Entry<T>(long expiresAt, CompletableFuture<T> answer) {

        boolean expired(long now) {
            return now - expiresAt >= 0;
        }
    }

    private final ConcurrentHashMap<Key, Entry<T>> entries = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final long maxWaitNanos;
    private final int maxEntries;
    private final LongSupplier clock;

    DecisionCache(long ttlNanos, long maxWaitNanos, int maxEntries, LongSupplier clock) {
        this.ttlNanos = ttlNanos;
        this.maxWaitNanos = maxWaitNanos;
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    /**
     * The answer for the key: kept, in flight (waited for), or asked now.
     *
     * @throws TimeoutException when the question in flight took longer than the wait allows
     * @throws Exception        what the question threw, to every asker that shared it
     */
    T answer(String tokenKey, String channel, Question<T> question) throws Exception {
        Key key = new Key(tokenKey, channel);
        Entry<T> entry = entries.get(key);
        if (entry != null && entry.expired(clock.getAsLong())) {
            entries.remove(key, entry);
            entry = null;
        }
        if (entry == null) {
            if (entries.size() >= maxEntries) {
                evict();
            }
            Entry<T> mine = new Entry<>(clock.getAsLong() + ttlNanos, new CompletableFuture<>());
            entry = entries.putIfAbsent(key, mine);
            if (entry == null) {
                return ask(key, mine, question);
            }
        }
        return await(entry.answer());
    }

    int size() {
        return entries.size();
    }

    private T ask(Key key, Entry<T> entry, Question<T> question) throws Exception {
        T answer;
        try {
            answer = question.ask();
        } catch (Exception | Error e) {
            entries.remove(key, entry);
            entry.answer().completeExceptionally(e);
            throw e;
        }
        entry.answer().complete(answer);
        return answer;
    }

    private T await(CompletableFuture<T> answer) throws Exception {
        try {
            return answer.get(maxWaitNanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw e;
        }
    }

    private void evict() {
        long now = clock.getAsLong();
        entries.values().removeIf(entry -> entry.expired(now) && entry.answer().isDone());
        if (entries.size() >= maxEntries) {
            entries.values().removeIf(entry -> entry.answer().isDone());
        }
    }
}
