package pgeventserv.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DecisionCacheTest {

    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger asked = new AtomicInteger();

    private DecisionCache<Boolean> cache(int maxEntries) {
        return new DecisionCache<>(10, TimeUnit.SECONDS.toNanos(10), maxEntries, now::get);
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
    void aFailureAnswersEveryoneWaitingForThatQuestionAtOnce() throws Exception {
        DecisionCache<Boolean> cache = cache(100);
        CountDownLatch asking = new CountDownLatch(1);
        CountDownLatch fail = new CountDownLatch(1);
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        DecisionCache.Question<Boolean> failing = () -> {
            asked.incrementAndGet();
            asking.countDown();
            fail.await(10, TimeUnit.SECONDS);
            throw new SQLException("the function failed");
        };
        Thread first = new Thread(() -> failures.add(assertThrows(SQLException.class,
                () -> cache.answer("t", "a", failing))));
        first.start();
        assertTrue(asking.await(10, TimeUnit.SECONDS));
        List<Thread> waiters = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            Thread waiter = new Thread(() -> failures.add(assertThrows(SQLException.class,
                    () -> cache.answer("t", "a", answering(true)))));
            waiter.start();
            waiters.add(waiter);
        }
        for (Thread waiter : waiters) {
            while (waiter.getState() != Thread.State.TIMED_WAITING) {
                Thread.onSpinWait();
            }
        }
        fail.countDown();
        first.join(10_000);
        for (Thread waiter : waiters) {
            waiter.join(10_000);
        }
        assertEquals(8, failures.size(), "everyone got the one failure");
        assertEquals(1, asked.get(), "nobody asked again in turn");
        assertTrue(cache.answer("t", "a", answering(true)), "the next asker after the failure asks again");
        assertEquals(2, asked.get());
    }

    @Test
    void aWaiterGivesUpAfterItsBoundWhileTheQuestionIsStillInFlight() throws Exception {
        DecisionCache<Boolean> cache = new DecisionCache<>(10, TimeUnit.MILLISECONDS.toNanos(50), 100, now::get);
        CountDownLatch asking = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Boolean> first = pool.submit(() -> cache.answer("t", "a", () -> {
                asking.countDown();
                return answer.await(10, TimeUnit.SECONDS);
            }));
            assertTrue(asking.await(10, TimeUnit.SECONDS));
            assertThrows(TimeoutException.class, () -> cache.answer("t", "a", answering(false)));
            answer.countDown();
            assertTrue(first.get(10, TimeUnit.SECONDS));
            assertTrue(cache.answer("t", "a", answering(false)), "the answer that came late is kept");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, asked.get());
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
