package pgeventserv.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HttpThreadPoolTest {

    @Test
    void theQueueHoldsAReadAndAWriteForTheDeadAndTheNewSessionsOfAStormPlusPlainHttp() {
        assertEquals("""
                set configs.config.server-config.thread-pools.thread-pool.http-thread-pool.max-queue-size=44096
                set configs.config.server-config.thread-pools.thread-pool.http-thread-pool.max-thread-pool-size=200
                """, HttpThreadPool.render(10_000));
    }

    @Test
    void anAbsurdMaxSessionsSaturatesInsteadOfOverflowing() {
        assertEquals(Integer.MAX_VALUE, HttpThreadPool.queueSize(Integer.MAX_VALUE));
        assertEquals(4096, HttpThreadPool.queueSize(0));
    }
}
