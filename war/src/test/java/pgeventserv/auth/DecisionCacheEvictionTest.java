package pgeventserv.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A full decision cache: expired answers go first; one still full of fresh answers starts over. */
class DecisionCacheEvictionTest {

    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger asked = new AtomicInteger();
    private final DecisionCache<Boolean> cache = new DecisionCache<>(10, 1_000_000_000L, 3, now::get);

    private boolean allows(String token) throws Exception {
        return cache.answer(token, "c", () -> {
            asked.incrementAndGet();
            return true;
        });
    }

    @Test
    void aCacheBelowItsSizeKeepsEveryAnswer() throws Exception {
        allows("a");
        allows("b");
        allows("c");
        assertEquals(3, cache.size());
        allows("a");
        allows("b");
        assertEquals(3, asked.get(), "every answer kept at the bound");
    }

    @Test
    void aFullCacheDropsItsExpiredAnswersAndKeepsTheFreshOnes() throws Exception {
        allows("old");
        now.addAndGet(5);
        allows("fresh 1");
        allows("fresh 2");
        now.addAndGet(5);
        allows("new");
        assertEquals(3, cache.size(), "the expired answer made room");
        allows("fresh 1");
        assertEquals(4, asked.get(), "a fresh answer was kept");
    }

    @Test
    void aFullCacheOfFreshAnswersStartsOver() throws Exception {
        allows("a");
        allows("b");
        allows("c");
        allows("d");
        assertEquals(1, cache.size());
        allows("a");
        assertEquals(5, asked.get());
    }

    @Test
    void anAnswerExpiresExactlyAtItsTimeToLive() throws Exception {
        allows("a");
        now.addAndGet(9);
        allows("a");
        assertEquals(1, asked.get());
        now.addAndGet(1);
        allows("a");
        assertEquals(2, asked.get());
    }
}
