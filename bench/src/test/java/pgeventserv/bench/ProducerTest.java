package pgeventserv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProducerTest {

    @Test
    void oneChannelKeepsItsPlainName() {
        assertEquals("bench_x", Producer.channelName("bench_x", 1, 0));
        assertEquals("bench_x_7", Producer.channelName("bench_x", 10, 7));
    }

    @Test
    void channelsTakeTurnsSoEachHasItsShare() {
        assertEquals(10, Producer.perReceiver(10, 1));
        assertEquals(3, Producer.perReceiver(30, 10));
        assertEquals(2, Producer.perReceiver(29, 10));
    }

    @Test
    void aBatchIsWholeTurnsOfTheChannelsAndBounded() {
        assertEquals(250, Producer.batchSize(250, 1));
        assertEquals(Producer.MAX_BATCH, Producer.batchSize(1000, 1000));
        assertEquals(9000, Producer.batchSize(9, 1000));
        assertEquals(9996, Producer.batchSize(2000, 7));
        for (int channels : new int[] {1, 3, 10, 999, 1000, 5000, 20_000}) {
            for (int batch : new int[] {1, 50, 1000}) {
                int size = Producer.batchSize(batch, channels);
                assertTrue(size >= 1 && size <= Math.max(Producer.MAX_BATCH, 1), channels + "/" + batch + ": " + size);
                if (size >= channels) {
                    assertEquals(0, size % channels, channels + "/" + batch);
                }
            }
        }
    }
}
