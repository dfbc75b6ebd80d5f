package pgeventserv.auth;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The {@code AuthorizeFunction}'s answers (of type {@code T}, never null) per token and channel, each kept for at most {@code ttlNanos}, so a storm
 * of handshakes with one token asks the database once. Concurrent askers of one key wait for the one call in
 * flight instead of making their own. A failure is not kept: the next asker tries again. At most
 * {@code maxEntries} answers are kept; when full, the expired go, and if that is not enough, all.
 */
final class DecisionCache<T> {

    /** Asks the database; throws when it cannot answer. */
    @FunctionalInterface
    interface Question<T> {
        T ask() throws Exception;
    }

    private record Key(String token, String channel) {
    }

    private final class Entry {
        private final long expiresAt = clock.getAsLong() + ttlNanos;
        private T answer;

        synchronized T answer(Question<T> question) throws Exception {
            if (answer == null) {
                answer = question.ask();
            }
            return answer;
        }

        boolean expired(long now) {
            return now - expiresAt >= 0;
        }
    }

    private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier clock;

    DecisionCache(long ttlNanos, int maxEntries, LongSupplier clock) {
        this.ttlNanos = ttlNanos;
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    T answer(String tokenKey, String channel, Question<T> question) throws Exception {
        Key key = new Key(tokenKey, channel);
        Entry entry = entries.get(key);
        if (entry != null && entry.expired(clock.getAsLong())) {
            entries.remove(key, entry);
            entry = null;
        }
        if (entry == null) {
            if (entries.size() >= maxEntries) {
                evict();
            }
            entry = entries.computeIfAbsent(key, k -> new Entry());
        }
        try {
            return entry.answer(question);
        } catch (Exception e) {
            entries.remove(key, entry);
            throw e;
        }
    }

    int size() {
        return entries.size();
    }

    private void evict() {
        long now = clock.getAsLong();
        entries.values().removeIf(entry -> entry.expired(now));
        if (entries.size() >= maxEntries) {
            entries.clear();
        }
    }
}
