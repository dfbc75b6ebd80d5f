package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import pgeventserv.fanout.filter.Filter;

/** Filtered subscribers in the fan-out (DESIGN §13): live, merged, leaving, and resuming; fake writers only. */
class FilteredDeliveryTest {

    private final EventIds ids = new EventIds("run");
    private final Subscriptions registry = new Subscriptions(new Limits(10_000, 1 << 24),
            new HistoryLimits(100, 1 << 20, Duration.ofMinutes(5)), 10_000, 10_000,
            c -> CompletableFuture.completedFuture(null), c -> { }, TimeUnit.MILLISECONDS.toNanos(60_000));
    private final Fanout fanout = new Fanout(registry, ids);

    private static Filter filter(String... conditions) {
        return Filter.parse(List.of(conditions), 10);
    }

    private static String tenant(int tenant, int n) {
        return "{\"tenant\":" + tenant + ",\"n\":" + n + "}";
    }

    private FakeWriter open(String channel, Filter filter) {
        return open(List.of(channel), false, null, Map.of(channel, filter), TestFormat.RAW);
    }

    private FakeWriter open(List<String> channels, boolean multi, String lastEventId, Map<String, Filter> filters,
            Format format) {
        FakeWriter writer = new FakeWriter(format, false);
        registry.subscribe(channels, format, multi, lastEventId, filters).attach(writer);
        return writer;
    }

    private void poll(String channel, String... payloads) {
        for (String p : payloads) {
            fanout.deliver(Notification.plain(channel, p));
        }
        fanout.pollEnded();
    }

    private static List<String> payloads(List<String> messages) {
        return messages.stream().map(m -> m.substring(m.indexOf(' ') + 1)).toList();
    }

    @Test
    void aFilteredSubscriberGetsOnlyWhatMatchesInOrderAndOthersEverything() {
        FakeWriter seven = open("rows", filter("tenant=eq.7"));
        FakeWriter all = open("rows", Filter.NONE);
        FakeWriter none = open("rows", filter("tenant=eq.9"));
        fanout.pollEnded();
        List<String> sent = new ArrayList<>();
        List<String> sevens = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String p = tenant(i % 3 == 0 ? 7 : 8, i);
            sent.add(p);
            if (i % 3 == 0) {
                sevens.add(p);
            }
            fanout.deliver(Notification.plain("rows", p));
            if (i % 4 == 0) {
                fanout.pollEnded();
            }
        }
        fanout.deliver(Notification.plain("rows", "not json"));
        sent.add("not json");
        fanout.pollEnded();
        assertEquals(sevens, seven.received());
        assertEquals(sent, all.received());
        assertEquals(List.of(), none.received());
    }

    @Test
    void aThousandTenantsEachGetTheirOwnRowsOnly() {
        List<FakeWriter> writers = new ArrayList<>();
        for (int t = 0; t < 1_000; t++) {
            writers.add(open("tenants", filter("tenant=eq." + t)));
        }
        fanout.pollEnded();
        for (int t = 0; t < 1_000; t++) {
            fanout.deliver(Notification.plain("tenants", tenant(t, 1)));
            fanout.deliver(Notification.plain("tenants", tenant(999 - t, 2)));
        }
        fanout.pollEnded();
        for (int t = 0; t < 1_000; t++) {
            List<String> expected = t < 500 ? List.of(tenant(t, 1), tenant(t, 2)) : List.of(tenant(t, 2), tenant(t, 1));
            assertEquals(expected.stream().sorted().toList(), writers.get(t).received().stream().sorted().toList());
            assertEquals(2, writers.get(t).received().size());
        }
    }

    @Test
    void aMultiChannelClientFilteredOnOneChannelGetsBothMergedInDeliveryOrder() {
        FakeWriter w = open(List.of("a", "b"), true, null, Map.of("a", filter("ok=is.true")), TestFormat.IDS);
        fanout.pollEnded();
        fanout.deliver(Notification.plain("a", "{\"ok\":true,\"n\":1}"));
        fanout.deliver(Notification.plain("b", "2"));
        fanout.deliver(Notification.plain("a", "{\"ok\":false,\"n\":3}"));
        fanout.deliver(Notification.plain("a", "{\"ok\":true,\"n\":4}"));
        fanout.deliver(Notification.plain("b", "5"));
        fanout.pollEnded();
        poll("a", "{\"ok\":true,\"n\":6}");
        assertEquals(List.of("{\"ok\":true,\"n\":1}", "2", "{\"ok\":true,\"n\":4}", "5", "{\"ok\":true,\"n\":6}"),
                payloads(w.received()));
    }

    @Test
    void aClientFilteredOnTwoChannelsGetsTheirMatchesMergedInDeliveryOrder() {
        Filter even = filter("n=in.(2,4,6)");
        FakeWriter w = open(List.of("a", "b"), true, null, Map.of("a", even, "b", even), TestFormat.IDS);
        fanout.pollEnded();
        for (int n = 1; n <= 6; n++) {
            fanout.deliver(Notification.plain(n % 3 == 0 ? "a" : "b", "{\"n\":" + n + "}"));
        }
        fanout.pollEnded();
        assertEquals(List.of("{\"n\":2}", "{\"n\":4}", "{\"n\":6}"), payloads(w.received()));
    }

    @Test
    void aFilteredSubscriberThatLeavesIsTakenOutOfTheIndexByTheNextPoll() {
        FakeWriter w = new FakeWriter(TestFormat.RAW, false);
        Subscriber s = registry.subscribe(List.of("gone"), TestFormat.RAW, false, null,
                Map.of("gone", filter("x=eq.1")));
        s.attach(w);
        fanout.pollEnded();
        Channel channel = registry.channels().get("gone");
        assertEquals(1, channel.filters.size());
        s.end();
        fanout.pollEnded();
        assertEquals(0, channel.filters.size());
        assertEquals(0, channel.members().length);
    }

    @Test
    void aSessionLeavingAFilteredChannelAndJoiningAgainGetsItsNewFilter() {
        FakeWriter w = new FakeWriter(TestFormat.RAW, false);
        Subscriber s = registry.subscribe(List.of(), TestFormat.RAW, true, null);
        s.attach(w);
        s.join("c", null, null, filter("x=eq.1"));
        fanout.pollEnded();
        poll("c", "{\"x\":1}", "{\"x\":2}");
        s.leave("c", null);
        s.join("c", null, null, filter("x=eq.2"));
        fanout.pollEnded();
        poll("c", "{\"x\":1}", "{\"x\":2}");
        assertEquals(List.of("{\"x\":1}", "{\"x\":2}"), w.received());
        assertEquals(1, registry.channels().get("c").filters.size());
    }

    @Test
    void aFilteredClientResumingGetsTheRetainedMatchesInOrderThenLive() {
        FakeWriter first = open(List.of("r"), false, null, Map.of(), TestFormat.IDS);
        fanout.pollEnded();
        poll("r", tenant(7, 1));
        String lastSeen = first.received().get(0).substring(0, first.received().get(0).indexOf(' '));
        poll("r", tenant(8, 2), tenant(7, 3));
        poll("r", tenant(7, 4), tenant(8, 5));
        FakeWriter back = open(List.of("r"), false, lastSeen, Map.of("r", filter("tenant=eq.7")), TestFormat.IDS);
        poll("r", tenant(8, 6), tenant(7, 7));
        assertEquals(List.of(tenant(7, 3), tenant(7, 4), tenant(7, 7)), payloads(back.received()),
                "no gap: the events it skipped were not for it");
        List<String> all = first.received();
        assertEquals(all.get(2), back.received().get(0), "the same id as an unfiltered client sees");
    }

    @Test
    void aFilteredClientResumingPastHistoryIsToldTheGapFirst() {
        open(List.of("h"), false, null, Map.of(), TestFormat.IDS);
        poll("h", tenant(8, 0));
        FakeWriter back = open(List.of("h"), false, "another-server.1", Map.of("h", filter("tenant=eq.7")),
                TestFormat.IDS);
        poll("h", tenant(7, 1), tenant(8, 2));
        assertEquals("gap:unknown:h", back.received().get(0), "a gap is about the channel, whatever the filter");
        assertEquals(List.of(tenant(7, 1)), payloads(back.received().subList(1, back.received().size())));
    }
}
