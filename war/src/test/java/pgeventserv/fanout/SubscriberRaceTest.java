package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A connection that ends (on a container thread) while the listener thread is writing its queue: the race that
 * once threw a NullPointerException out of the listener thread (the queue was counted, cleared by the other
 * thread, then polled). Many forced races, bounded in count and time.
 */
class SubscriberRaceTest {

    private static final HistoryLimits HISTORY = FanoutTest.HISTORY;
    private static final EventIds IDS = FanoutTest.IDS;

    private static final int ROUNDS = 20_000;
    private static final long MAX_SECONDS = 30;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
        threads.shutdownNow();
    }

    @Test
    void endingAConnectionWhileItsQueueIsWrittenNeverBreaksTheListenerThread() throws Exception {
        Subscriptions registry = new Subscriptions(new Limits(1_000, 1 << 20), HISTORY, 10, 10_000, c -> java.util.concurrent.CompletableFuture.completedFuture(null),
                c -> { }, TimeUnit.MILLISECONDS.toNanos(0));
        Fanout fanout = new Fanout(registry, IDS);
        CyclicBarrier start = new CyclicBarrier(2);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(MAX_SECONDS);
        int rounds = 0;
        for (; rounds < ROUNDS && System.nanoTime() < deadline; rounds++) {
            String channel = "race" + rounds % 5;
            FakeWriter writer = FakeWriter.holding();
            Subscriber subscriber = registry.subscribe(List.of(channel), TestFormat.RAW, false, null);
            subscriber.attach(writer);
            List<String> sent = new ArrayList<>();
            // The first batch is written and stays outstanding; the next ones queue behind it.
            for (int batch = 0; batch < 4; batch++) {
                for (int i = 0; i < 8; i++) {
                    String payload = rounds + ":" + batch + ":" + i;
                    sent.add(payload);
                    fanout.deliver(Notification.plain(channel, payload));
                }
                fanout.pollEnded();
            }
            writer.take();
            boolean close = rounds % 2 == 0;
            Future<?> listenerThread = threads.submit(() -> {
                start.await();
                fanout.pollEnded();
                return null;
            });
            Future<?> containerThread = threads.submit(() -> {
                start.await();
                if (close) {
                    subscriber.close(new Farewell(Farewell.POLICY_VIOLATION, "flood"));
                } else {
                    subscriber.end();
                }
                return null;
            });
            listenerThread.get(10, TimeUnit.SECONDS);
            containerThread.get(10, TimeUnit.SECONDS);
            if (!close) {
                assertEquals(Subscriber.State.CLOSED, subscriber.state());
            }
            List<String> received = writer.received();
            assertEquals(sent.subList(0, received.size()), received, "in order, nothing doubled, in round " + rounds);
            assertEquals(0, writer.overlappingWrites.get());
            assertTrue(writer.closes.size() <= 1, "closed once at most");
            subscriber.end();
        }
        assertTrue(rounds >= 1_000, "only " + rounds + " rounds in " + MAX_SECONDS + " s");
        assertEquals(0, registry.sessionCount(), "nobody left registered");
    }

    @Test
    void aReplayRacingTheDrainerNeverClosesAHealthyClient() throws Exception {
        Subscriptions registry = new Subscriptions(new Limits(10, 1 << 20), HISTORY, 1_000, 10_000,
                c -> java.util.concurrent.CompletableFuture.completedFuture(null), c -> { }, 0);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(MAX_SECONDS);
        int rounds = 0;
        for (; rounds < 2_000 && System.nanoTime() < deadline; rounds++) {
            Subscriber s = registry.subscribe(List.of("r"), TestFormat.RAW, false, null);
            s.attach(FakeWriter.fast());
            java.util.concurrent.atomic.AtomicBoolean go = new java.util.concurrent.atomic.AtomicBoolean(true);
            Future<?> drainer = threads.submit(() -> {
                while (go.get()) {
                    s.writable();
                }
            });
            for (int k = 0; k < 100 && s.state() == Subscriber.State.OPEN; k++) {
                List<Frame> frames = new ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    frames.add(Frame.replayed("x" + i, 2));
                }
                s.outbox().replay(frames);
            }
            go.set(false);
            drainer.get(10, TimeUnit.SECONDS);
            assertEquals(Subscriber.State.OPEN, s.state(), "round " + rounds + ": a healthy client closed: " + s.farewell());
            s.end();
        }
        assertTrue(rounds >= 100, "only " + rounds + " rounds in " + MAX_SECONDS + " s");
    }
}
