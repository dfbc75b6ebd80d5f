package pgeventserv.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesFromATenthOfASecondUpToTenSeconds() {
        Backoff backoff = new Backoff();
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            waits.add(backoff.next());
        }
        assertEquals(List.of(100L, 200L, 400L, 800L, 1600L, 3200L, 6400L, 10_000L, 10_000L, 10_000L), waits);
    }

    @Test
    void startsOverAfterASuccess() {
        Backoff backoff = new Backoff();
        backoff.next();
        backoff.next();
        backoff.reset();
        assertEquals(100L, backoff.next());
    }
}
