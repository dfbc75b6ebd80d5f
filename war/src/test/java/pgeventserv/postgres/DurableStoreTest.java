package pgeventserv.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurableStoreTest {

    @Test
    void retentionRunsEveryTenthOfTheRetentionBetweenASecondAndAMinute() {
        assertEquals(Duration.ofMinutes(1), DurableStore.retentionInterval(Duration.ofHours(24)));
        assertEquals(Duration.ofSeconds(30), DurableStore.retentionInterval(Duration.ofMinutes(5)));
        assertEquals(Duration.ofSeconds(1), DurableStore.retentionInterval(Duration.ofSeconds(2)));
    }
}
