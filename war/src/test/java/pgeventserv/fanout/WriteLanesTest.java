package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Writes shared by the listener thread and writer threads: every client's messages in order, the listener writing
 * its own share and never waiting for the lanes'.
 */
class WriteLanesTest {

    private final WriteLanes lanes = WriteLanes.start(2, Thread::new);
    private final Subscriptions registry = new Subscriptions(new Limits(1_000, 1 << 24), FanoutTest.HISTORY, 1_000,
            1_000, c -> CompletableFuture.completedFuture(null), c -> { }, 0, lanes);
    private final Fanout fanout = new Fanout(registry, FanoutTest.IDS);

    /** Records the texts and the threads that wrote them; a write may be made to wait on a latch. */
    static final class LaneWriter implements Writer {
        final List<String> received = Collections.synchronizedList(new ArrayList<>());
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        final AtomicInteger inWrite = new AtomicInteger();
        final AtomicInteger overlapping = new AtomicInteger();
        volatile boolean writable = true;
        volatile CountDownLatch gate;

        @Override
        public boolean writable() {
            return writable;
        }

        @Override
        public void write(Messages messages) throws IOException {
            if (inWrite.incrementAndGet() != 1) {
                overlapping.incrementAndGet();
            }
            threads.add(Thread.currentThread().getName());
            CountDownLatch g = gate;
            try {
                if (g != null && !g.await(10, TimeUnit.SECONDS)) {
                    throw new IOException("the test never opened the gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            for (Frame f : messages.frames()) {
                received.add(f.text());
            }
            inWrite.decrementAndGet();
        }

        @Override
        public boolean keepAlive() {
            return true;
        }

        @Override
        public void close(Farewell farewell) {
        }

        List<String> received() {
            synchronized (received) {
                return List.copyOf(received);
            }
        }
    }

    @AfterEach
    void stop() {
        lanes.stop();
    }

    /** A client in the listener's share: the first of every round of {@code lanes.count() + 1}. */
    private Subscriber openInTheListenersShare() {
        return open("listeners_share", new LaneWriter());
    }

    private Subscriber open(String channel, LaneWriter writer) {
        Subscriber s = registry.subscribe(List.of(channel), TestFormat.RAW, false, null);
        s.attach(writer);
        return s;
    }

    /** Opens a client on "orders" whose writer is not writable, and hands "a" to its lane in a poll. */
    private Subscriber openBusyWithA(LaneWriter writer) {
        openInTheListenersShare();
        writer.writable = false;
        Subscriber s = open("orders", writer);
        fanout.pollEnded();
        fanout.deliver(Notification.plain("orders", "a"));
        fanout.pollEnded();
        return s;
    }

    private static void await(BooleanSupplier done) throws InterruptedException {
        for (int i = 0; i < 1_000 && !done.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertTrue(done.getAsBoolean(), "not done within 10 s");
    }

    @Test
    void everyClientGetsEveryPollInOrderTheListenerWritingOneShareAndEachLaneOne() throws InterruptedException {
        List<LaneWriter> writers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            LaneWriter w = new LaneWriter();
            writers.add(w);
            open("orders", w);
        }
        fanout.pollEnded();
        List<String> sent = new ArrayList<>();
        for (int poll = 0; poll < 500; poll++) {
            for (int i = 0; i < 1 + poll % 3; i++) {
                String payload = "n" + sent.size();
                sent.add(payload);
                fanout.deliver(Notification.plain("orders", payload));
            }
            fanout.pollEnded();
        }
        await(() -> writers.stream().allMatch(w -> w.received().size() == sent.size()));
        String listener = Thread.currentThread().getName();
        for (int i = 0; i < writers.size(); i++) {
            LaneWriter w = writers.get(i);
            assertEquals(sent, w.received());
            assertEquals(0, w.overlapping.get(), "one write at a time per client");
            if (i % 3 == 0) {
                assertEquals(Set.of(listener), w.threads, "the listener's share");
            } else {
                assertEquals(Set.of("pg_eventserv-writer-" + (i % 3 - 1)), w.threads);
            }
        }
    }

    @Test
    void aMessageQueuedAfterABatchHandedToTheLaneIsWrittenAfterIt() throws InterruptedException {
        for (int round = 0; round < 200; round++) {
            LaneWriter w = new LaneWriter();
            Subscriber s = open("round" + round, w);
            s.outbox().deliver(new Messages(TestFormat.RAW, List.of(Frame.of("batch")), 5));
            s.outbox().offer(Frame.of("reply"));
            await(() -> w.received().size() == 2);
            assertEquals(List.of("batch", "reply"), w.received());
        }
    }

    @Test
    void theListenerGoesOnWhileALaneIsStuckInAWrite() throws InterruptedException {
        LaneWriter stuck = new LaneWriter();
        stuck.gate = new CountDownLatch(1);
        LaneWriter other = new LaneWriter();
        openInTheListenersShare();
        open("orders", stuck);
        open("orders", other);
        fanout.pollEnded();
        List<String> sent = new ArrayList<>();
        for (int poll = 0; poll < 50; poll++) {
            String payload = "n" + poll;
            sent.add(payload);
            fanout.deliver(Notification.plain("orders", payload));
            fanout.pollEnded();
        }
        // All 50 polls were handed over while the first write of one client has not returned.
        assertEquals(1, stuck.gate.getCount());
        await(() -> other.received().size() == sent.size());
        stuck.gate.countDown();
        await(() -> stuck.received().size() == sent.size());
        assertEquals(sent, stuck.received());
        assertEquals(sent, other.received());
    }

    @Test
    void aBatchForABusyWriterWaitsUntilItIsWritableAgain() throws InterruptedException {
        LaneWriter w = new LaneWriter();
        Subscriber s = openBusyWithA(w);
        fanout.deliver(Notification.plain("orders", "b"));
        fanout.pollEnded();
        await(lanes::idle);
        assertEquals(List.of(), w.received());
        w.writable = true;
        fanout.pollEnded();
        await(() -> w.received().size() == 2);
        assertEquals(List.of("a", "b"), w.received());
        assertTrue(s.outbox().written());
    }

    @Test
    void aClosedClientDropsTheBatchHandedToItsLane() throws InterruptedException {
        LaneWriter w = new LaneWriter();
        Subscriber s = openBusyWithA(w);
        await(lanes::idle);
        s.end();
        w.writable = true;
        s.writable();
        assertTrue(s.outbox().written());
        assertEquals(List.of(), w.received());
    }

    @Test
    void noLanesMeansTheCallerWrites() {
        assertEquals(0, WriteLanes.start(0, Thread::new).count());
        assertEquals(null, WriteLanes.NONE.next());
        assertEquals(null, WriteLanes.NONE.next());
    }
}
