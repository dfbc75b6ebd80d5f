package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Ids, history, resume and gaps in the fan-out, with fake writers: no server, no database. */
class ResumeTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final EventIds ids = new EventIds("run");
    private Subscriptions registry = registry(100);
    private Fanout fanout = new Fanout(registry, ids);

    private Subscriptions registry(int historyMessages) {
        return new Subscriptions(new Limits(10_000, 1 << 24), new HistoryLimits(historyMessages, 1 << 20, Duration.ofMinutes(5)),
                1_000, 10_000, c -> CompletableFuture.completedFuture(null), c -> { }, TimeUnit.MILLISECONDS.toNanos(60_000));
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private FakeWriter open(List<String> channels, boolean multi, String lastEventId) {
        FakeWriter writer = new FakeWriter(TestFormat.IDS, false);
        registry.subscribe(channels, TestFormat.IDS, multi, lastEventId).attach(writer);
        return writer;
    }

    private void poll(String channel, String... payloads) {
        for (String p : payloads) {
            fanout.deliver(Notification.plain(channel, p));
        }
        fanout.pollEnded();
    }

    private static String idOf(String message) {
        return message.substring(0, message.indexOf(' '));
    }

    private static List<String> payloads(List<String> messages) {
        return messages.stream().map(m -> m.substring(m.indexOf(' ') + 1)).toList();
    }

    @Test
    void idsIncreaseInDeliveryOrderAcrossChannels() {
        FakeWriter w = open(List.of("a", "b"), true, null);
        poll("a", "1");
        poll("b", "2");
        fanout.deliver(Notification.plain("a", "3"));
        fanout.deliver(Notification.plain("b", "4"));
        fanout.deliver(Notification.plain("a", "5"));
        fanout.pollEnded();
        assertEquals(List.of("1", "2", "3", "4", "5"), payloads(w.received()), "merged in delivery order");
        List<Long> positions = w.received().stream().map(m -> ids.position(idOf(m))).toList();
        for (int i = 1; i < positions.size(); i++) {
            assertTrue(positions.get(i) > positions.get(i - 1), positions.toString());
        }
    }

    @Test
    void aClientResumingWithinHistoryGetsWhatItMissedThenLiveWithoutAGap() {
        FakeWriter first = open(List.of("c"), false, null);
        poll("c", "1", "2", "3");
        String lastSeen = idOf(first.received().get(0));
        poll("c", "4");
        FakeWriter back = open(List.of("c"), false, lastSeen);
        poll("c", "5");
        assertEquals(List.of("2", "3", "4", "5"), payloads(back.received()));
    }

    @Test
    void notificationsArrivingWhileTheReplayIsSentAreNeitherMissedNorDoubled() {
        Random random = new Random(11);
        FakeWriter reference = open(List.of("c"), false, null);
        List<FakeWriter> resumed = new ArrayList<>();
        int n = 0;
        for (int round = 0; round < 200; round++) {
            for (int i = random.nextInt(4); i > 0; i--) {
                fanout.deliver(Notification.plain("c", Integer.toString(n++)));
            }
            if (round % 10 == 5 && !reference.received().isEmpty()) {
                // Subscribed mid-poll, with notifications of this poll already delivered: the seam.
                List<String> seen = reference.received();
                int from = Math.max(0, seen.size() - 50);
                resumed.add(open(List.of("c"), false, idOf(seen.get(from + random.nextInt(seen.size() - from)))));
            }
            fanout.pollEnded();
        }
        List<String> all = payloads(reference.received());
        assertEquals(n, all.size());
        for (FakeWriter w : resumed) {
            List<String> got = payloads(w.received());
            int from = all.indexOf(got.get(0));
            assertEquals(all.subList(from, all.size()), got, "a contiguous tail, nothing missed or doubled");
        }
    }

    @Test
    void anUnknownIdGetsAGapBeforeAnythingNewer() {
        open(List.of("c"), false, null);
        poll("c", "1");
        FakeWriter w = open(List.of("c"), false, "another-server.1");
        poll("c", "2");
        assertEquals("gap:unknown:c", w.received().get(0));
        assertEquals(List.of("2"), payloads(w.received().subList(1, 2)));
    }

    @Test
    void anIdOlderThanTheHistoryGetsAGapThenWhatIsHeld() {
        registry = registry(2);
        fanout = new Fanout(registry, ids);
        FakeWriter first = open(List.of("c"), false, null);
        poll("c", "1", "2", "3", "4");
        FakeWriter back = open(List.of("c"), false, idOf(first.received().get(0)));
        fanout.pollEnded();
        assertEquals(List.of("gap:history:c", "3", "4"),
                List.of(back.received().get(0), payloads(back.received()).get(1), payloads(back.received()).get(2)));
    }

    @Test
    void anOutageBetweenTheClientsIdAndNowIsAGap() {
        FakeWriter first = open(List.of("c"), false, null);
        poll("c", "1");
        fanout.outage(new Outage(Instant.EPOCH, Instant.EPOCH.plusSeconds(1)));
        poll("c", "2");
        FakeWriter back = open(List.of("c"), false, idOf(first.received().get(0)));
        fanout.pollEnded();
        assertEquals("gap:outage:c", back.received().get(0));
        assertEquals("2", payloads(back.received()).get(1));
    }

    @Test
    void aMultiChannelResumeReplaysEveryChannelInDeliveryOrder() {
        FakeWriter first = open(List.of("a", "b"), true, null);
        poll("a", "1");
        poll("b", "2");
        poll("a", "3");
        poll("b", "4");
        FakeWriter back = open(List.of("a", "b"), true, idOf(first.received().get(0)));
        poll("a", "5");
        assertEquals(List.of("2", "3", "4", "5"), payloads(back.received()));
    }

    @Test
    void aMultiplexedJoinIsAnnouncedThenReplayedThenLive() {
        FakeWriter first = open(List.of("c"), false, null);
        poll("c", "1", "2");
        FakeWriter session = new FakeWriter(TestFormat.IDS, false);
        Subscriber s = registry.subscribe(List.of(), TestFormat.IDS, true, null);
        s.attach(session);
        s.join("c", idOf(first.received().get(0)), Frame.of("subscribed c"));
        poll("c", "3");
        assertEquals(List.of("subscribed c", "2", "3"), List.of(session.received().get(0),
                payloads(session.received()).get(1), payloads(session.received()).get(2)));
        s.leave("c", Frame.of("unsubscribed c"));
        poll("c", "4");
        assertEquals("unsubscribed c", session.received().get(session.received().size() - 1), "nothing after the reply");
        assertEquals(List.of(), s.channels());
    }

    @Test
    void aJoinWaitsForItsListenBeforeItIsAnnounced() {
        CompletableFuture<Void> listen = new CompletableFuture<>();
        registry = new Subscriptions(new Limits(100, 1 << 20), FanoutTest.HISTORY, 10, 10_000, c -> listen, c -> { }, TimeUnit.MILLISECONDS.toNanos(0));
        fanout = new Fanout(registry, ids);
        FakeWriter session = new FakeWriter(TestFormat.IDS, false);
        Subscriber s = registry.subscribe(List.of(), TestFormat.IDS, true, null);
        s.attach(session);
        s.join("c", null, Frame.of("subscribed c"));
        fanout.pollEnded();
        assertEquals(List.of(), session.received());
        listen.complete(null);
        fanout.pollEnded();
        assertEquals(List.of("subscribed c"), session.received());
    }

    @Test
    void subscribersThatJoinedDuringAnOutageAreToldOfIt() {
        CompletableFuture<Void> listen = new CompletableFuture<>();
        registry = new Subscriptions(new Limits(100, 1 << 20), FanoutTest.HISTORY, 10, 10_000, c -> listen, c -> { }, TimeUnit.MILLISECONDS.toNanos(0));
        fanout = new Fanout(registry, ids);
        FakeWriter w = new FakeWriter(TestFormat.IDS, false);
        registry.subscribe(List.of("c"), TestFormat.IDS, false, null).attach(w);
        fanout.pollEnded();
        listen.complete(null);
        fanout.outage(new Outage(Instant.EPOCH, Instant.EPOCH.plusSeconds(1)));
        poll("c", "1");
        assertEquals("gap:outage:c", w.received().get(0));
        assertEquals("1", payloads(w.received()).get(1));
    }

    @Test
    void historyIsKeptWhileNobodyListensWithinTheGrace() {
        FakeWriter first = open(List.of("c"), false, null);
        poll("c", "1");
        String lastSeen = idOf(first.received().get(0));
        registry.channels().get("c").members()[0].end();
        poll("c", "2", "3");
        FakeWriter back = open(List.of("c"), false, lastSeen);
        fanout.pollEnded();
        assertEquals(List.of("2", "3"), payloads(back.received()));
        assertEquals(3, registry.historyMessages());
    }
}
