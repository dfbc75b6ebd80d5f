package pgeventserv.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DecisionCacheTest {

    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger asked = new AtomicInteger();

    private DecisionCache<Boolean> cache(int maxEntries) {
        return new DecisionCache<>(10, maxEntries, now::get);
    }

    private DecisionCache.Question<Boolean> answering(boolean answer) {
        return () -> {
            asked.incrementAndGet();
            return answer;
        };
    }

    @Test
    void anAnswerIsKeptPerTokenAndChannelUntilItExpires() throws Exception {
        DecisionCache<Boolean> cache = cache(100);
        assertTrue(cache.answer("t", "a", answering(true)));
        assertTrue(cache.answer("t", "a", answering(false)));
        assertEquals(1, asked.get());
        assertFalse(cache.answer("t", "b", answering(false)));
        assertFalse(cache.answer("u", "a", answering(false)));
        assertEquals(3, asked.get());
        now.addAndGet(10);
        assertFalse(cache.answer("t", "a", answering(false)), "asked again once expired");
        assertEquals(4, asked.get());
    }

    @Test
    void aFailureIsNotKept() throws Exception {
        DecisionCache<Boolean> cache = cache(100);
        assertThrows(SQLException.class, () -> cache.answer("t", "a", () -> {
            throw new SQLException("down");
        }));
        assertTrue(cache.answer("t", "a", answering(true)));
        assertEquals(1, asked.get());
    }

    @Test
    void theCacheStaysWithinItsSize() throws Exception {
        DecisionCache<Boolean> cache = cache(10);
        for (int i = 0; i < 1000; i++) {
            cache.answer("t" + i, "a", answering(true));
        }
        assertTrue(cache.size() <= 10, "size " + cache.size());
    }

    @Test
    void concurrentAskersOfOneKeyShareOneQuestion() throws Exception {
        DecisionCache<Boolean> cache = cache(100);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> cache.answer("t", "a", () -> {
                    asked.incrementAndGet();
                    release.await(10, TimeUnit.SECONDS);
                    return true;
                })));
            }
            release.countDown();
            for (Future<Boolean> answer : answers) {
                assertTrue(answer.get(10, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, asked.get());
    }
}
