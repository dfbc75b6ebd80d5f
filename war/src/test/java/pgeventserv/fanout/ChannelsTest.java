package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The channel table: LISTEN once per new channel, {@code MaxChannels}, members, and the UNLISTEN after the grace. */
class ChannelsTest {

    private static final long GRACE = 1_000;

    private final Map<String, CompletableFuture<Void>> listens = new HashMap<>();
    private final List<String> listened = new ArrayList<>();
    private final List<String> unlistened = new ArrayList<>();
    private final Channels channels = new Channels(new HistoryLimits(10, 1 << 20, Duration.ofMinutes(1)), 2,
            this::listen, unlistened::add, GRACE);
    private final Subscriptions subscriptions = new Subscriptions(new Limits(10, 1 << 20),
            new HistoryLimits(10, 1 << 20, Duration.ofMinutes(1)), 10, 10, c -> CompletableFuture.completedFuture(null),
            c -> { }, 0);

    private CompletableFuture<Void> listen(String channel) {
        listened.add(channel);
        CompletableFuture<Void> f = new CompletableFuture<>();
        listens.put(channel, f);
        return f;
    }

    private Subscriber subscriber() {
        return subscriptions.subscribe(List.of(), TestFormat.RAW, true, null);
    }

    @Test
    void aNewChannelIsListenedOnceHoweverManyReserveIt() {
        assertTrue(channels.reserve(List.of("a")));
        assertTrue(channels.reserve(List.of("a")));
        assertEquals(List.of("a"), listened);
        assertEquals(1, channels.count());
        assertEquals("a", channels.get("a").name);
        assertNull(channels.get("b"));
    }

    @Test
    void noMoreThanMaxChannelsExistAndARefusedReservationChangesNothing() {
        assertTrue(channels.reserve(List.of("a")));
        assertFalse(channels.reserve(List.of("a", "b", "c")), "three channels past a bound of two");
        assertEquals(List.of("a"), listened);
        assertEquals(1, channels.count());
        assertTrue(channels.reserve(List.of("a", "b")), "two: at the bound");
        assertFalse(channels.roomFor(List.of("c")));
        assertTrue(channels.roomFor(List.of("b")));
        assertFalse(channels.reserve(List.of("c")));
        assertTrue(channels.reserve(List.of("b")), "an existing channel needs no room");
    }

    @Test
    void aSubscriberArrivesAsAMemberOfWhatItReservedOnce() {
        Subscriber s = subscriber();
        channels.reserve(List.of("a", "b"));
        assertTrue(channels.arrive(s, Move.join(s, List.of("a", "b"), null, null, Map.of()), 5));
        assertEquals(List.of("a", "b"), s.channels());
        assertEquals(List.of(s), List.of(channels.get("a").members()));

        channels.reserve(List.of("a"));
        assertTrue(channels.arrive(s, Move.join(s, List.of("a"), null, null, Map.of()), 6));
        assertEquals(1, channels.get("a").members().length, "a member already");
        assertEquals(List.of("a", "b"), s.channels());
    }

    @Test
    void aSubscriberGoneOnItsWayInIsNoMemberAndTheChannelIsUnusedAgain() {
        Subscriber s = subscriber();
        channels.reserve(List.of("a"));
        s.end();
        assertFalse(channels.arrive(s, Move.join(s, List.of("a"), null, null, Map.of()), 100));
        assertEquals(0, channels.get("a").members().length);
        channels.sweep(100 + GRACE);
        assertEquals(List.of("a"), unlistened);
    }

    @Test
    void aReservedChannelIsNotUnlistenedWhileItsSubscriberIsOnItsWay() {
        channels.reserve(List.of("a"));
        channels.sweep(Long.MAX_VALUE);
        assertEquals(List.of(), unlistened);
    }

    @Test
    void theLastMemberLeavingStartsTheGraceAndTheChannelIsUnlistenedAtItsEnd() {
        Subscriber s = subscriber();
        Subscriber t = subscriber();
        channels.reserve(List.of("a"));
        channels.reserve(List.of("a"));
        channels.arrive(s, Move.join(s, List.of("a"), null, null, Map.of()), 10);
        channels.arrive(t, Move.join(t, List.of("a"), null, null, Map.of()), 10);
        channels.remove(s, "a", 20);
        assertEquals(List.of(), s.channels());
        assertEquals(List.of(t), List.of(channels.get("a").members()));
        channels.sweep(20 + 2 * GRACE);
        assertEquals(List.of(), unlistened, "one member left");

        channels.remove(t, "a", 30);
        channels.sweep(30 + GRACE - 1);
        assertEquals(List.of(), unlistened, "within the grace");
        channels.sweep(30 + GRACE);
        assertEquals(List.of("a"), unlistened);
        assertEquals(0, channels.count());
        assertTrue(channels.roomFor(List.of("x")));
    }

    @Test
    void aChannelLeftAtTimeZeroIsStillUnlistenedAfterItsGrace() {
        Subscriber s = subscriber();
        channels.reserve(List.of("a"));
        channels.arrive(s, Move.join(s, List.of("a"), null, null, Map.of()), 0);
        channels.remove(s, "a", 0);
        channels.sweep(GRACE + 1);
        assertEquals(List.of("a"), unlistened);
    }

    @Test
    void aMemberBackWithinTheGraceKeepsTheChannel() {
        Subscriber s = subscriber();
        channels.reserve(List.of("a"));
        channels.arrive(s, Move.join(s, List.of("a"), null, null, Map.of()), 10);
        channels.remove(s, "a", 20);
        Subscriber t = subscriber();
        channels.reserve(List.of("a"));
        channels.arrive(t, Move.join(t, List.of("a"), null, null, Map.of()), 30);
        channels.sweep(30 + 10 * GRACE);
        assertEquals(List.of(), unlistened);
        channels.remove(t, "a", 40);
        channels.sweep(40 + GRACE - 1);
        assertEquals(List.of(), unlistened, "the grace starts again from the last leave");
    }

    @Test
    void removingANonMemberChangesNothing() {
        Subscriber s = subscriber();
        Subscriber other = subscriber();
        channels.reserve(List.of("a"));
        channels.arrive(s, Move.join(s, List.of("a"), null, null, Map.of()), 10);
        other.joined("a");
        channels.remove(other, "a", 20);
        assertEquals(List.of("a"), other.channels(), "it was no member of that channel");
        channels.remove(s, "nowhere", 20);
        assertEquals(List.of("a"), s.channels());
        channels.sweep(20 + GRACE);
        assertEquals(List.of(), unlistened);
    }

    @Test
    void removingEverywhereLeavesEveryChannel() {
        Subscriber s = subscriber();
        channels.reserve(List.of("a", "b"));
        channels.arrive(s, Move.join(s, List.of("a", "b"), null, null, Map.of()), 10);
        channels.removeEverywhere(s, 20);
        assertEquals(List.of(), s.channels());
        assertEquals(0, channels.get("a").members().length);
        assertEquals(0, channels.get("b").members().length);
        channels.sweep(20 + GRACE);
        assertEquals(List.of("a", "b"), unlistened.stream().sorted().toList());
    }

    @Test
    void theListenerThreadTakesEachChannelOnceItsListenIsInEffect() {
        channels.reserve(List.of("a", "b"));
        List<String> taken = new ArrayList<>();
        channels.takeListened(c -> taken.add(c.name));
        assertEquals(List.of(), taken);
        listens.get("b").complete(null);
        channels.takeListened(c -> taken.add(c.name));
        assertEquals(List.of("b"), taken);
        listens.get("a").complete(null);
        channels.takeListened(c -> taken.add(c.name));
        channels.takeListened(c -> taken.add(c.name));
        assertEquals(List.of("b", "a"), taken);
    }

    @Test
    void aChannelSweptBeforeItsListenTookEffectIsNotTakenLater() {
        Subscriber s = subscriber();
        channels.reserve(List.of("a"));
        s.end();
        channels.arrive(s, Move.join(s, List.of("a"), null, null, Map.of()), 0);
        channels.sweep(GRACE + 1);
        listens.get("a").complete(null);
        List<String> taken = new ArrayList<>();
        channels.takeListened(c -> taken.add(c.name));
        assertEquals(List.of(), taken);
    }

    @Test
    void listeningIsTheChannelsListenAndDoneForAChannelNobodyAsksFor() {
        channels.reserve(List.of("a"));
        assertSame(listens.get("a"), channels.listening("a"));
        assertTrue(channels.listening("b").isDone());
    }

    @Test
    void channelsAreListenedOnlyOnceTheirListenIsInEffectAndTheirHistoryStarted() {
        channels.reserve(List.of("a", "b"));
        assertFalse(channels.listened(List.of("a")));
        listens.get("a").complete(null);
        assertFalse(channels.listened(List.of("a")), "history not started");
        channels.get("a").history.listened(0);
        assertTrue(channels.listened(List.of("a")));
        assertFalse(channels.listened(List.of("a", "b")));
        assertFalse(channels.listened(List.of("a", "unknown")));
        assertTrue(channels.listened(List.of()));
    }

    @Test
    void allIsEveryChannel() {
        channels.reserve(List.of("a", "b"));
        assertEquals(List.of("a", "b"), channels.all().stream().map(c -> c.name).sorted().toList());
    }
}
