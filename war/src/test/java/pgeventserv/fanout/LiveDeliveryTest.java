package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One poll's events to the channels' members: once per client, merged for multi-channel clients, above floors. */
class LiveDeliveryTest {

    private final EventIds ids = new EventIds("live");
    private final Subscriptions subscriptions = new Subscriptions(new Limits(100, 1 << 20),
            new HistoryLimits(10, 1 << 20, Duration.ofMinutes(1)), 100, 100, c -> CompletableFuture.completedFuture(null),
            c -> { }, 0);
    private final Channels channels = new Channels(new HistoryLimits(10, 1 << 20, Duration.ofMinutes(1)), 100,
            c -> CompletableFuture.completedFuture(null), c -> { }, 0);
    private final Watermark watermark = new Watermark(0);
    private final LiveDelivery live = new LiveDelivery(channels, watermark);
    private long position;

    private FakeWriter member(boolean multi, String... names) {
        Subscriber s = subscriptions.subscribe(List.of(), TestFormat.RAW, multi, null);
        FakeWriter writer = FakeWriter.fast();
        s.attach(writer);
        channels.reserve(List.of(names));
        channels.arrive(s, Move.join(s, List.of(names), null, null, Map.of()), 1);
        return writer;
    }

    private Subscriber subscriberOf(FakeWriter writer, String channel) {
        for (Subscriber s : channels.get(channel).members()) {
            if (s.writer() == writer) {
                return s;
            }
        }
        throw new AssertionError("no member");
    }

    private void plain(String channel, String payload) {
        live.add(channels.get(channel), new Event(++position, channel, payload, 1, ids, 0, watermark.get()));
    }

    private void durable(String channel, long durablePosition) {
        live.add(channels.get(channel),
                new Event(++position, channel, "d" + durablePosition, 1, ids, durablePosition, watermark.get()));
    }

    @Test
    void eachMemberGetsItsChannelsEventsAndTheyGoIntoHistory() {
        FakeWriter a = member(false, "a");
        FakeWriter b = member(false, "b");
        plain("a", "1");
        plain("b", "2");
        plain("a", "3");
        assertEquals(3, live.eventsThisPoll());
        live.deliver();
        assertEquals(List.of("1", "3"), a.received());
        assertEquals(List.of("2"), b.received());
        assertEquals(2, channels.get("a").history.count());
        assertEquals(0, live.eventsThisPoll(), "the next poll starts empty");
        live.deliver();
        assertEquals(List.of("1", "3"), a.received(), "delivered once");
    }

    @Test
    void aMultiChannelClientGetsItsChannelsMergedInDeliveryOrderOnce() {
        FakeWriter multi = member(true, "a", "b");
        plain("a", "1");
        plain("b", "2");
        plain("a", "3");
        plain("b", "4");
        live.deliver();
        assertEquals(List.of("1", "2", "3", "4"), multi.received());
    }

    @Test
    void aMultiChannelClientWithOneBusyChannelGetsItsBatch() {
        FakeWriter multi = member(true, "a", "b");
        plain("b", "1");
        plain("b", "2");
        live.deliver();
        assertEquals(List.of("1", "2"), multi.received());
    }

    @Test
    void aMultiChannelClientIsCollectedAgainInTheNextPoll() {
        FakeWriter multi = member(true, "a", "b");
        plain("a", "1");
        live.deliver();
        plain("b", "2");
        live.deliver();
        assertEquals(List.of("1", "2"), multi.received());
    }

    @Test
    void aClientThatResumedFromTheTableGetsNoDurableEventAtOrBelowItsFloor() {
        FakeWriter single = member(false, "a");
        Subscriber s = subscriberOf(single, "a");
        s.durableFloor(5);
        durable("a", 4);
        durable("a", 5);
        plain("a", "p");
        durable("a", 6);
        live.deliver();
        assertEquals(List.of("p", "d6"), single.received());
        assertEquals(5, s.durableFloor(), "this server has not released everything up to the floor");
    }

    @Test
    void theFloorIsDroppedOnceTheWatermarkReachesIt() {
        FakeWriter single = member(false, "a");
        Subscriber s = subscriberOf(single, "a");
        s.durableFloor(5);
        watermark.raise(5);
        durable("a", 5);
        live.deliver();
        assertEquals(List.of(), single.received());
        assertEquals(0, s.durableFloor());
        durable("a", 6);
        live.deliver();
        assertEquals(List.of("d6"), single.received());
    }

    @Test
    void aMultiChannelClientsFloorAppliesToItsMergedEvents() {
        FakeWriter multi = member(true, "a", "b");
        Subscriber s = subscriberOf(multi, "a");
        s.durableFloor(3);
        durable("a", 2);
        durable("b", 3);
        plain("a", "p");
        durable("b", 4);
        live.deliver();
        assertEquals(List.of("p", "d4"), multi.received());
    }

    @Test
    void aMultiChannelClientsFloorAppliesToASingleBusyChannelToo() {
        FakeWriter multi = member(true, "a", "b");
        Subscriber s = subscriberOf(multi, "a");
        s.durableFloor(3);
        durable("b", 3);
        durable("b", 4);
        live.deliver();
        assertEquals(List.of("d4"), multi.received());
    }

    @Test
    void aFloorAboveEverythingDeliveredSendsNoEmptyWrite() {
        List<Integer> writes = new ArrayList<>();
        Subscriber s = subscriptions.subscribe(List.of(), TestFormat.RAW, false, null);
        s.attach(new Writer() {
            @Override
            public boolean writable() {
                return true;
            }

            @Override
            public void write(Messages messages) {
                writes.add(messages.count());
            }

            @Override
            public boolean keepAlive() {
                return true;
            }

            @Override
            public void close(Farewell farewell) {
            }
        });
        channels.reserve(List.of("a"));
        channels.arrive(s, Move.join(s, List.of("a"), null, null, Map.of()), 1);
        s.durableFloor(9);
        durable("a", 8);
        live.deliver();
        assertEquals(List.of(), writes);
    }

    @Test
    void plainEventsAndDurableOnesAboveTheFloorAreKept() {
        List<Event> events = List.of(new Event(1, "a", "p", 1, ids, 0, 0), new Event(2, "a", "d", 1, ids, 7, 0),
                new Event(3, "a", "e", 1, ids, 8, 0));
        List<Event> into = new ArrayList<>();
        LiveDelivery.addAbove(into, events, 7);
        assertEquals(List.of("p", "e"), into.stream().map(Event::payload).toList());
    }
}
