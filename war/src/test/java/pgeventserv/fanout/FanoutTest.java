package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import pgeventserv.postgres.Gap;

/** The fan-out on its own: a registry, the listener thread's delivery, and fake writers; no server, no database. */
class FanoutTest {

    static final HistoryLimits HISTORY = new HistoryLimits(100, 1 << 20, java.time.Duration.ofMinutes(5));
    static final EventIds IDS = new EventIds("test");

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<String> listened = new ArrayList<>();
    private final Registry registry = new Registry(new Limits(10, 1 << 20), HISTORY, 1_000, this::listen, c -> { }, scheduler, 0);
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
            fanout.deliver(channel, p);
        }
        fanout.pollCompleted();
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
            fanout.deliver("orders", payload);
            if (random.nextInt(3) == 0) {
                fanout.pollCompleted();
                // The holding clients read now and then, so they lag by a few messages at most.
                writers.get(1).take();
                writers.get(2).take();
            }
        }
        for (int i = 0; i < 200 && !writers.stream().allMatch(w -> w.received().size() == sent.size()); i++) {
            writers.forEach(FakeWriter::take);
            fanout.pollCompleted();
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
        assertEquals(1, registry.sessions(), "the slow subscriber left its channel at once");
        assertEquals(1, registry.counters().closedSlow());

        slow.take();
        fanout.pollCompleted();
        assertEquals(1, slow.closes.size());
        assertEquals(Farewell.TRY_AGAIN_LATER, slow.closes.get(0).code());
        assertTrue(slow.closes.get(0).reason().startsWith("too slow"), slow.closes.get(0).reason());
        assertEquals(Subscriber.State.CLOSED, slowSubscriber.state());
    }

    @Test
    void theFirstSubscriberListensAndTheLastLeavingUnlistensAfterTheGrace() throws Exception {
        List<String> unlistened = new ArrayList<>();
        CompletableFuture<Void> unlistenedOnce = new CompletableFuture<>();
        Registry registry = new Registry(new Limits(10, 1 << 20), HISTORY, 1_000, this::listen, c -> {
            unlistened.add(c);
            unlistenedOnce.complete(null);
        }, scheduler, 50);
        Fanout fanout = new Fanout(registry, IDS);
        Subscriber a = registry.subscribe(List.of("orders"), TestFormat.RAW, false, null);
        Subscriber b = registry.subscribe(List.of("orders"), TestFormat.RAW, false, null);
        assertEquals(List.of("orders"), listened, "one LISTEN for the channel");
        a.attach(FakeWriter.fast());
        b.attach(FakeWriter.fast());
        fanout.pollCompleted();
        a.end();
        assertEquals(1, registry.channelCount());
        b.end();
        unlistenedOnce.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(List.of("orders"), unlistened);
        assertEquals(0, registry.channelCount());
    }

    @Test
    void aSubscriberBackWithinTheGraceKeepsTheChannelListened() throws Exception {
        List<String> unlistened = new ArrayList<>();
        Registry registry = new Registry(new Limits(10, 1 << 20), HISTORY, 1_000, this::listen, unlistened::add, scheduler, 50);
        registry.subscribe(List.of("orders"), TestFormat.RAW, false, null).end();
        registry.subscribe(List.of("orders"), TestFormat.RAW, false, null);
        scheduler.schedule(() -> { }, 100, java.util.concurrent.TimeUnit.MILLISECONDS).get();
        assertEquals(List.of(), unlistened);
        assertEquals(List.of("orders"), listened, "the channel was never UNLISTENed, so no second LISTEN");
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
        assertEquals(0, registry.sessions());
        for (Registry.Channel channel : registry.channels()) {
            assertEquals(0, channel.members.length, channel.name);
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
        fanout.gap(new Gap(Instant.EPOCH, Instant.now()));
        poll("orders", "next");
        assertEquals(List.of("next"), raw.received());
        assertEquals(List.of("gap:outage:orders", "env:next"), envelope.received());
    }

    @Test
    void aSubscriberBeyondMaxSessionsIsClosedAsSoonAsItOpens() {
        Registry small = new Registry(new Limits(10, 1 << 20), HISTORY, 1, this::listen, c -> { }, scheduler, 0);
        small.subscribe(List.of("orders"), TestFormat.RAW, false, null);
        Subscriber refused = small.subscribe(List.of("orders"), TestFormat.RAW, false, null);
        assertTrue(small.full());
        FakeWriter writer = FakeWriter.fast();
        refused.attach(writer);
        assertEquals(1, writer.closes.size());
        assertEquals(Farewell.TRY_AGAIN_LATER, writer.closes.get(0).code());
        assertEquals(1, small.sessions(), "the refused one was never counted");
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
        Registry quick = new Registry(new Limits(10, 1 << 20, java.util.concurrent.TimeUnit.SECONDS.toNanos(2)), HISTORY, 1_000, this::listen, c -> { }, scheduler, 0);
        Fanout quickFanout = new Fanout(quick, IDS);
        FakeWriter stuck = FakeWriter.holding();
        Subscriber s = quick.subscribe(List.of("orders"), TestFormat.RAW, false, null);
        s.attach(stuck);
        quickFanout.deliver("orders", "never read");
        quickFanout.pollCompleted();
        s.close(new Farewell(Farewell.TRY_AGAIN_LATER, "too slow"));
        assertEquals(List.of(), stuck.closes, "its write is outstanding");
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (stuck.closes.isEmpty() && System.nanoTime() < deadline) {
            quickFanout.pollCompleted();
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        }
        assertEquals(1, stuck.closes.size(), "closed after the grace, read or not");
        assertEquals(Subscriber.State.CLOSED, s.state());
    }
}
