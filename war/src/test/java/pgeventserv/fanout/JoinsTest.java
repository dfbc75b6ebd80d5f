package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Moves carried out at the end of a poll: joins with their replies, gaps and replays, leaves, replies. */
class JoinsTest {

    private final EventIds ids = new EventIds("joins");
    private CompletableFuture<Void> listen = CompletableFuture.completedFuture(null);
    private final Subscriptions subscriptions = new Subscriptions(new Limits(100, 1 << 20),
            new HistoryLimits(100, 1 << 20, Duration.ofMinutes(5)), 100, 100, c -> listen, c -> { },
            Duration.ofMinutes(1).toNanos());
    private final Fanout fanout = new Fanout(subscriptions, ids);
    private final Farewell bye = new Farewell(Farewell.POLICY_VIOLATION, "bye");

    private Subscriber session(FakeWriter writer) {
        Subscriber s = subscriptions.subscribe(List.of(), writer.format(), true, null);
        s.attach(writer);
        return s;
    }

    private FakeWriter client(List<String> channels, String lastEventId) {
        FakeWriter writer = new FakeWriter(TestFormat.IDS, false);
        subscriptions.subscribe(channels, TestFormat.IDS, channels.size() > 1, lastEventId).attach(writer);
        fanout.pollEnded();
        return writer;
    }

    private void poll(String channel, String... payloads) {
        for (String p : payloads) {
            fanout.deliver(Notification.plain(channel, p));
        }
        fanout.pollEnded();
    }

    @Test
    void aReplyWithAFarewellClosesTheSessionAfterItAndOneWithoutDoesNot() {
        FakeWriter writer = FakeWriter.fast();
        Subscriber s = session(writer);
        s.reply(Frame.of("pong"));
        fanout.pollEnded();
        assertEquals(Subscriber.State.OPEN, s.state());
        s.replyAndClose(Frame.of("goodbye"), bye);
        fanout.pollEnded();
        assertEquals(List.of("pong", "goodbye"), writer.received());
        assertEquals(List.of(bye), writer.closes);
    }

    @Test
    void aLeaveWithoutAReplySendsNothingAndStopsTheChannelsEvents() {
        FakeWriter writer = FakeWriter.fast();
        Subscriber s = session(writer);
        s.join("c", null, null);
        poll("c", "1");
        s.leave("c", null);
        poll("c", "2");
        assertEquals(List.of("1"), writer.received());
        assertEquals(List.of(), s.channels());
    }

    @Test
    void aJoinOfASubscriberGoneMeanwhileSendsNothing() {
        listen = new CompletableFuture<>();
        FakeWriter writer = FakeWriter.fast();
        Subscriber s = session(writer);
        s.join("c", null, Frame.of("subscribed c"));
        fanout.pollEnded();
        s.end();
        listen.complete(null);
        fanout.pollEnded();
        poll("c", "1");
        assertEquals(List.of(), writer.received());
        assertEquals(0, subscriptions.channels().get("c").members().length);
    }

    @Test
    void aDurableIdFoundInTheHistoryOfAnyOfTheChannelsIsResumedFromThere() {
        DurableHarness h = new DurableHarness();
        FakeWriter first = h.open(List.of("a", "b"), null);
        h.publish("b", 1, 1);
        h.readAndPoll();
        h.plain("a", "after");
        h.fanout.pollEnded();
        assertEquals(List.of("durable 1", "after"), DurableHarness.payloads(first));
        FakeWriter back = h.open(List.of("a", "b"), "d1");
        assertEquals(List.of("after"), DurableHarness.payloads(back), "no gap, no read: history holds d1");
        assertEquals(0, h.subscriptions.counters().resumeReads());
    }

    @Test
    void aGarbageIdIsAGapForEachChannelAndNothingReplayed() {
        FakeWriter first = client(List.of("a"), null);
        poll("a", "1");
        FakeWriter back = client(List.of("a", "b"), "garbage");
        assertEquals(List.of("gap:unknown:a", "gap:unknown:b"), back.received());
        assertEquals(1, first.received().size());
    }

    @Test
    void aResumeFromTheLatestEventGetsNothingAndNoGap() {
        FakeWriter first = client(List.of("a"), null);
        poll("a", "1");
        String latest = DurableHarness.idsOf(first).get(0);
        FakeWriter back = client(List.of("a"), latest);
        poll("a", "2");
        assertEquals(List.of("2"), DurableHarness.payloads(back));
    }

    @Test
    void onlyJoinsWithoutAnIdAreToldOfAnOutageWhileOnTheirWayIn() {
        listen = new CompletableFuture<>();
        FakeWriter fresh = new FakeWriter(TestFormat.IDS, false);
        FakeWriter resuming = new FakeWriter(TestFormat.IDS, false);
        subscriptions.subscribe(List.of("c"), TestFormat.IDS, false, null).attach(fresh);
        subscriptions.subscribe(List.of("c"), TestFormat.IDS, false, "garbage").attach(resuming);
        fanout.pollEnded();
        fanout.outage(new Outage(Instant.EPOCH, Instant.EPOCH.plusSeconds(1)));
        assertEquals(List.of("gap:outage:c"), fresh.received());
        assertEquals(List.of(), resuming.received(), "its resume tells it");
        listen.complete(null);
        fanout.pollEnded();
        assertTrue(resuming.received().get(0).startsWith("gap:"));
    }

    @Test
    void aReplayOfOneChannelKeepsItsOrder() {
        FakeWriter first = client(List.of("a"), null);
        poll("a", "1", "2", "3");
        FakeWriter back = client(List.of("a"), DurableHarness.idsOf(first).get(0));
        assertEquals(List.of("2", "3"), DurableHarness.payloads(back));
    }
}
