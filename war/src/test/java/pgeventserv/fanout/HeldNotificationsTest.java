package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Plain notifications behind a channel's durable reads: held in order, let go as each read is released. */
class HeldNotificationsTest {

    private final HeldNotifications held = new HeldNotifications();
    private final Channel a = channel("a");
    private final Channel b = channel("b");
    private final List<String> delivered = new ArrayList<>();

    private static Channel channel(String name) {
        return new Channel(name, new HistoryLimits(10, 1 << 20, Duration.ofMinutes(1)).history(),
                CompletableFuture.completedFuture(null));
    }

    private static PendingRead read() {
        return new PendingRead(0) {
            @Override
            List<DurableRow> read() {
                return List.of();
            }

            @Override
            long upTo() {
                return 0;
            }
        };
    }

    private void release(Channel channel, PendingRead read) {
        held.release(channel, read, (c, p) -> delivered.add(c.name + ":" + p));
    }

    @Test
    void aChannelHoldsOnlyWhileItWaitsForARead() {
        assertFalse(held.holding(a));
        PendingRead r = read();
        held.hold(a, r);
        assertTrue(held.holding(a));
        assertFalse(held.holding(b));
        release(a, r);
        assertFalse(held.holding(a));
    }

    @Test
    void notificationsBehindAReadGoInOrderWhenItIsReleased() {
        PendingRead r = read();
        held.hold(a, r);
        assertTrue(held.add(a, "1"));
        assertTrue(held.add(a, "2"));
        assertEquals(List.of(), delivered);
        release(a, r);
        assertEquals(List.of("a:1", "a:2"), delivered);
    }

    @Test
    void notificationsBehindALaterReadWaitForItToo() {
        PendingRead first = read();
        PendingRead second = read();
        held.hold(a, first);
        held.add(a, "1");
        held.hold(a, second);
        held.add(a, "2");
        release(a, first);
        assertEquals(List.of("a:1"), delivered);
        assertTrue(held.holding(a));
        release(a, second);
        assertEquals(List.of("a:1", "a:2"), delivered);
        assertFalse(held.holding(a));
    }

    @Test
    void aLaterReadReleasedFirstLetsNothingPastTheEarlierOne() {
        PendingRead first = read();
        PendingRead second = read();
        held.hold(a, first);
        held.add(a, "1");
        held.hold(a, second);
        held.add(a, "2");
        release(a, second);
        assertEquals(List.of(), delivered);
        release(a, first);
        assertEquals(List.of("a:1", "a:2"), delivered);
    }

    @Test
    void aReadTheChannelDoesNotWaitForReleasesNothing() {
        PendingRead r = read();
        held.hold(a, r);
        held.add(a, "1");
        release(a, read());
        release(b, r);
        assertEquals(List.of(), delivered);
        assertTrue(held.holding(a));
    }

    @Test
    void eachChannelHoldsItsOwn() {
        PendingRead r = read();
        held.hold(a, r);
        held.hold(b, r);
        held.add(a, "1");
        held.add(b, "2");
        release(b, r);
        assertEquals(List.of("b:2"), delivered);
        assertTrue(held.holding(a));
    }

    @Test
    void aChannelHoldsNoMoreThanItsMaximum() {
        held.hold(a, read());
        for (int i = 1; i < HeldNotifications.MAX_PER_CHANNEL; i++) {
            assertTrue(held.add(a, "n" + i));
        }
        assertFalse(held.add(a, "one too many"), "the read and the notifications make the maximum");
    }
}
