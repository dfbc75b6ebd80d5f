package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** The fan-out on its own: a registry, the listener thread's delivery, and fake writers; no server, no database. */
class FanoutTest {

    static final HistoryLimits HISTORY = new HistoryLimits(100, 1 << 20, java.time.Duration.ofMinutes(5));
    static final EventIds IDS = new EventIds("test");

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<String> listened = new ArrayList<>();
    private final Subscriptions registry = new Subscriptions(new Limits(10, 1 << 20), HISTORY, 1_000, 10_000, this::listen, c -> { }, TimeUnit.MILLISECONDS.toNanos(0));
    private final Fanout fanout = new Fanout(registry, IDS);

    private synchronized CompletableFuture<Void> listen(String channel) {
        listened.add(channel);
        return CompletableFuture.completedFuture(null);
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private Subscriber open(String channel, FakeWriter writer) {
        Subscriber s = registry.subscribe(List.of(channel), writer.format(), false, null);
        s.attach(writer);
        return s;
    }

    private void poll(String channel, String... payloads) {
        for (String p : payloads) {
            fanout.deliver(Notification.plain(channel, p));
        }
        fanout.pollEnded();
    }

    @Test
    void everySubscriberGetsEveryNotificationInOrder() {
        Random random = new Random(7);
        List<FakeWriter> writers = List.of(FakeWriter.fast(), FakeWriter.holding(), FakeWriter.holding());
        writers.forEach(w -> open("orders", w));
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            String payload = "n" + i;
            sent.add(payload);
            fanout.deliver(Notification.plain("orders", payload));
            if (random.nextInt(3) == 0) {
                fanout.pollEnded();
                // The holding clients read now and then, so they lag by a few messages at most.
                writers.get(1).take();
                writers.get(2).take();
            }
        }
        for (int i = 0; i < 200 && !writers.stream().allMatch(w -> w.received().size() == sent.size()); i++) {
            writers.forEach(FakeWriter::take);
            fanout.pollEnded();
        }
        for (FakeWriter w : writers) {
            assertEquals(sent, w.received());
            assertEquals(0, w.overlappingWrites.get(), "one write outstanding at most");
        }
    }

    @Test
    void aSlowSubscriberIsClosedAtItsBoundWhileOthersGetEverything() {
        FakeWriter fast = FakeWriter.fast();
        FakeWriter slow = FakeWriter.holding();
        open("orders", fast);
        Subscriber slowSubscriber = open("orders", slow);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            sent.add("n" + i);
            poll("orders", "n" + i);
        }
        assertEquals(sent, fast.received());
        assertEquals(List.of("n0"), slow.received(), "the slow client took its first write and nothing since");
        assertEquals(Subscriber.State.CLOSING, slowSubscriber.state(), "closed once the queue passed 10 messages");
        assertEquals(List.of(), slow.closes, "the close waits for the outstanding write");
        assertEquals(1, registry.sessionCount(), "the slow subscriber left its channel at once");
        assertEquals(1, registry.counters().closedSlow());

        slow.take();
        fanout.pollEnded();
        assertEquals(1, slow.closes.size());
        assertEquals(Farewell.TRY_AGAIN_LATER, slow.closes.get(0).code());
        assertTrue(slow.closes.get(0).reason().startsWith("too slow"), slow.closes.get(0).reason());
        assertEquals(Subscriber.State.CLOSED, slowSubscriber.state());
    }

    private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final List<String> unlistened = new ArrayList<>();
    /** Channels stay LISTENed {@link #GRACE_NANOS} after their last subscriber. */
    private final Subscriptions graced = new Subscriptions(new Limits(10, 1 << 20), HISTORY, 1_000, 10_000,
            this::listen, unlistened::add, GRACE_NANOS);
    private final Fanout gracedFanout = new Fanout(graced, IDS);

    /** A subscriber of the channel, admitted, then gone. */
    private void cameAndLeft(String channel) {
        Subscriber s = graced.subscribe(List.of(channel), TestFormat.RAW, false, null);
        s.attach(FakeWriter.fast());
        gracedFanout.pollEnded();
        s.end();
    }

    @Test
    void theFirstSubscriberListensAndTheLastLeavingUnlistensAfterTheGrace() {
        Subscriber a = graced.subscribe(List.of("orders"), TestFormat.RAW, false, null);
        a.attach(FakeWriter.fast());
        gracedFanout.pollEnded();
        cameAndLeft("orders");
        assertEquals(List.of("orders"), listened, "one LISTEN for the channel");
        graced.sweep(System.nanoTime() + 2 * GRACE_NANOS, 0);
        assertEquals(1, graced.channelCount(), "one member left");
        a.end();
        long left = System.nanoTime();
        graced.sweep(left + GRACE_NANOS / 2, 0);
        assertEquals(List.of(), unlistened, "within the grace");
        graced.sweep(left + 2 * GRACE_NANOS, 0);
        assertEquals(List.of("orders"), unlistened);
        assertEquals(0, graced.channelCount());
    }

    @Test
    void aSubscriberBackWithinTheGraceKeepsTheChannelListened() {
        cameAndLeft("orders");
        graced.sweep(System.nanoTime() + GRACE_NANOS / 2, 0);
        assertEquals(List.of(), unlistened, "still within the grace while nobody is there");
        Subscriber back = graced.subscribe(List.of("orders"), TestFormat.RAW, false, null);
        graced.sweep(System.nanoTime() + 2 * GRACE_NANOS, 0);
        assertEquals(List.of(), unlistened, "on its way in: the channel is in use");
        back.attach(FakeWriter.fast());
        gracedFanout.pollEnded();
        graced.sweep(System.nanoTime() + 4 * GRACE_NANOS, 0);
        assertEquals(List.of(), unlistened, "a member again");
        assertEquals(List.of("orders"), listened, "never UNLISTENed, so no second LISTEN");
    }

    @Test
    void aSubscriberBackAfterTheGraceListensAgain() {
        cameAndLeft("orders");
        graced.sweep(System.nanoTime() + 2 * GRACE_NANOS, 0);
        graced.subscribe(List.of("orders"), TestFormat.RAW, false, null);
        assertEquals(List.of("orders"), unlistened);
        assertEquals(List.of("orders", "orders"), listened);
    }

    @Test
    void aChannelBeyondMaxChannelsIsRefusedUntilOneIsReleased() {
        Subscriptions registry = new Subscriptions(new Limits(10, 1 << 20), HISTORY, 1_000, 2, this::listen,
                c -> { }, GRACE_NANOS);
        Fanout fanout = new Fanout(registry, IDS);
        Subscriber a = registry.subscribe(List.of("a"), TestFormat.RAW, false, null);
        registry.subscribe(List.of("b"), TestFormat.RAW, false, null).attach(FakeWriter.fast());
        Subscriber c = registry.subscribe(List.of("c"), TestFormat.RAW, false, null);
        assertEquals(Subscriber.State.CLOSING, c.state(), "refused");
        assertEquals(2, registry.sessionCount(), "the refused one holds no place");
        FakeWriter refused = FakeWriter.fast();
        c.attach(refused);
        assertEquals(Farewell.TRY_AGAIN_LATER, refused.closes.get(0).code());
        assertTrue(refused.closes.get(0).reason().startsWith("too many channels"), refused.closes.get(0).reason());
        assertTrue(registry.subscribe(List.of("b"), TestFormat.RAW, false, null).state() != Subscriber.State.CLOSING,
                "an existing channel is no new one");
        Subscriber session = registry.subscribe(List.of(), TestFormat.RAW, true, null);
        assertFalse(session.join("d", null, null), "a multiplexed join of a new channel is refused too");
        assertFalse(registry.roomFor(List.of("d")));
        assertTrue(registry.roomFor(List.of("a", "b")));
        a.attach(FakeWriter.fast());
        fanout.pollEnded();
        a.end();
        registry.sweep(System.nanoTime() + 2 * GRACE_NANOS, 0);
        assertTrue(registry.roomFor(List.of("d", "b")));
        assertFalse(registry.roomFor(List.of("d", "e")), "two new ones where one fits");
        assertTrue(session.join("d", null, null));
    }

    @Test
    void noSubscriberIsLeftRegisteredAfterItsConnectionEnds() {
        List<Subscriber> subscribers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            subscribers.add(open("c" + i % 7, i % 2 == 0 ? FakeWriter.fast() : FakeWriter.holding()));
        }
        poll("c1", "x");
        for (int i = 0; i < subscribers.size(); i++) {
            if (i % 3 == 0) {
                subscribers.get(i).close(new Farewell(Farewell.POLICY_VIOLATION, "test"));
            }
            subscribers.get(i).end();
            subscribers.get(i).end();
        }
        assertEquals(0, registry.sessionCount());
        for (Channel channel : registry.channels().all()) {
            assertEquals(0, channel.members().length, channel.name);
        }
    }

    @Test
    void notificationsDuringTheHandshakeAreWrittenWhenTheConnectionOpens() {
        Subscriber s = registry.subscribe(List.of("orders"), TestFormat.RAW, false, null);
        poll("orders", "before open");
        FakeWriter writer = FakeWriter.fast();
        s.attach(writer);
        poll("orders", "after open");
        assertEquals(List.of("before open", "after open"), writer.received());
    }

    @Test
    void aGapGoesToClientsThatCanBeToldBeforeAnythingNewer() {
        FakeWriter raw = FakeWriter.fast();
        FakeWriter envelope = new FakeWriter(TestFormat.ENVELOPE, false);
        open("orders", raw);
        open("orders", envelope);
        fanout.outage(new Outage(Instant.EPOCH, Instant.now()));
        poll("orders", "next");
        assertEquals(List.of("next"), raw.received());
        assertEquals(List.of("gap:outage:orders", "env:next"), envelope.received());
    }

    @Test
    void aSubscriberBeyondMaxSessionsIsClosedAsSoonAsItOpens() {
        Subscriptions small = new Subscriptions(new Limits(10, 1 << 20), HISTORY, 1, 10_000, this::listen, c -> { }, TimeUnit.MILLISECONDS.toNanos(0));
        small.subscribe(List.of("orders"), TestFormat.RAW, false, null);
        Subscriber refused = small.subscribe(List.of("orders"), TestFormat.RAW, false, null);
        assertTrue(small.full());
        FakeWriter writer = FakeWriter.fast();
        refused.attach(writer);
        assertEquals(1, writer.closes.size());
        assertEquals(Farewell.TRY_AGAIN_LATER, writer.closes.get(0).code());
        assertEquals(1, small.sessionCount(), "the refused one was never counted");
    }

    @Test
    void aClientThatMissesAKeepAliveIsClosed() {
        FakeWriter dead = FakeWriter.fast();
        FakeWriter alive = FakeWriter.fast();
        Subscriber deadSubscriber = open("orders", dead);
        open("orders", alive);
        dead.stopAnsweringKeepAlive();
        registry.keepAlive(new Farewell(Farewell.POLICY_VIOLATION, "no pong"));
        assertEquals(Subscriber.State.CLOSED, deadSubscriber.state());
        assertEquals(List.of(new Farewell(Farewell.POLICY_VIOLATION, "no pong")), dead.closes);
        assertEquals(List.of(), alive.closes);
    }

    @Test
    void shutdownClosesEveryClientAtOnceWithGoingAway() {
        FakeWriter stuck = FakeWriter.holding();
        open("orders", stuck);
        poll("orders", "outstanding");
        registry.shutdown();
        assertEquals(List.of(Farewell.SHUTTING_DOWN), stuck.closes, "no waiting for the outstanding write");
    }

    @Test
    void aStalledClientIsClosedAfterTheGraceAnyway() {
        Subscriptions quick = new Subscriptions(new Limits(10, 1 << 20, TimeUnit.SECONDS.toNanos(2)), HISTORY, 1_000, 10_000, this::listen, c -> { }, TimeUnit.MILLISECONDS.toNanos(0));
        Fanout quickFanout = new Fanout(quick, IDS);
        FakeWriter stuck = FakeWriter.holding();
        Subscriber s = quick.subscribe(List.of("orders"), TestFormat.RAW, false, null);
        s.attach(stuck);
        quickFanout.deliver(Notification.plain("orders", "never read"));
        quickFanout.pollEnded();
        s.close(new Farewell(Farewell.TRY_AGAIN_LATER, "too slow"));
        assertEquals(List.of(), stuck.closes, "its write is outstanding");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (stuck.closes.isEmpty() && System.nanoTime() < deadline) {
            quickFanout.pollEnded();
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        }
        assertEquals(1, stuck.closes.size(), "closed after the grace, read or not");
        assertEquals(Subscriber.State.CLOSED, s.state());
    }

    @Test
    void aSessionsRepliesComeInCommandOrder() {
        Subscriber session = registry.subscribe(List.of(), TestFormat.RAW, true, null);
        FakeWriter writer = FakeWriter.fast();
        session.attach(writer);
        session.join("orders", null, Frame.of("subscribed orders"));
        session.reply(Frame.of("refused orders (already subscribed)"));
        session.leave("orders", Frame.of("unsubscribed orders"));
        session.reply(Frame.of("error: not subscribed"));
        fanout.pollEnded();
        assertEquals(List.of("subscribed orders", "refused orders (already subscribed)", "unsubscribed orders",
                "error: not subscribed"), writer.received());
    }

    @Test
    void aReplyWaitsBehindAJoinWaitingForItsListen() {
        CompletableFuture<Void> listening = new CompletableFuture<>();
        Subscriptions slow = new Subscriptions(new Limits(10, 1 << 20), HISTORY, 1_000, 10_000, c -> listening,
                c -> { }, GRACE_NANOS);
        Fanout slowFanout = new Fanout(slow, IDS);
        Subscriber session = slow.subscribe(List.of(), TestFormat.RAW, true, null);
        FakeWriter writer = FakeWriter.fast();
        session.attach(writer);
        session.join("orders", null, Frame.of("subscribed orders"));
        session.reply(Frame.of("refused orders"));
        slowFanout.pollEnded();
        assertEquals(List.of(), writer.received(), "the LISTEN is not in effect yet");
        listening.complete(null);
        slowFanout.pollEnded();
        slowFanout.pollEnded();
        assertEquals(List.of("subscribed orders", "refused orders"), writer.received());
    }

    @Test
    void aSubscriberPastItsDeadlineIsClosedAtTheNextSweep() {
        FakeWriter writer = FakeWriter.fast();
        Subscriber s = open("orders", writer);
        fanout.pollEnded();
        s.endAt(1_000, new Farewell(Farewell.POLICY_VIOLATION, "token expired"));
        registry.sweep(System.nanoTime(), 999);
        assertEquals(Subscriber.State.OPEN, s.state());
        registry.sweep(System.nanoTime(), 1_000);
        assertEquals(List.of(new Farewell(Farewell.POLICY_VIOLATION, "token expired")), writer.closes);
        assertEquals(0, registry.sessionCount());
    }

    @Test
    void aDeadlineMovedLaterIsKept() {
        FakeWriter writer = FakeWriter.fast();
        Subscriber s = open("orders", writer);
        s.endAt(1_000, new Farewell(Farewell.POLICY_VIOLATION, "token expired"));
        s.endAt(5_000, new Farewell(Farewell.POLICY_VIOLATION, "token expired"));
        registry.sweep(System.nanoTime(), 2_000);
        assertEquals(List.of(), writer.closes);
        s.endAt(Long.MAX_VALUE, null);
        registry.sweep(System.nanoTime(), 10_000);
        assertEquals(Subscriber.State.OPEN, s.state());
    }
}
