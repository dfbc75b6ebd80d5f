package pgeventserv.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import pgeventserv.fanout.Fanout;
import pgeventserv.fanout.Limits;
import pgeventserv.fanout.Registry;
import pgeventserv.fanout.Subscriber;

/** Raw writes made by the lanes' threads: every client gets everything in order, and the listener never writes. */
class WriteLanesTest {

    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(20);

    /** Stands in for Tyrus's web socket: records what it is given and on which thread. */
    public static final class FakeSocket {
        final List<String> texts = new ArrayList<>();
        final List<String> threads = new ArrayList<>();
        volatile boolean takesAtOnce = true;
        volatile boolean broken;
        volatile CompletableFuture<Void> outstanding;

        public synchronized Future<?> sendRawFrame(ByteBuffer frames) {
            if (broken) {
                throw new IllegalStateException("connection reset");
            }
            threads.add(Thread.currentThread().getName());
            ByteBuffer b = frames.duplicate();
            while (b.hasRemaining()) {
                b.get(); // FIN and opcode
                int length = b.get() & 0x7f;
                if (length == 126) {
                    length = b.getShort() & 0xffff;
                }
                byte[] text = new byte[length];
                b.get(text);
                texts.add(new String(text, StandardCharsets.UTF_8));
            }
            CompletableFuture<Void> f = new CompletableFuture<>();
            if (takesAtOnce) {
                f.complete(null);
            } else {
                outstanding = f;
            }
            return f;
        }

        synchronized List<String> texts() {
            return List.copyOf(texts);
        }

        synchronized List<String> threads() {
            return List.copyOf(threads);
        }
    }

    private static final MethodHandle SEND;

    static {
        try {
            SEND = MethodHandles.publicLookup().findVirtual(FakeSocket.class, "sendRawFrame",
                    MethodType.methodType(Future.class, ByteBuffer.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final Registry registry = new Registry(new Limits(1_000, 1 << 20), 1_000,
            c -> CompletableFuture.completedFuture(null), c -> { }, scheduler, 0);
    private final Fanout fanout = new Fanout(registry);
    private final WriteLanes lanes = new WriteLanes(2, Thread::new);

    @AfterEach
    void stop() {
        lanes.stop();
        scheduler.shutdownNow();
    }

    private Subscriber open(FakeSocket socket) {
        Subscriber s = registry.subscribe("orders", WebSocketFormat.RAW);
        s.attach(new RawFrameWriter(new WebSocketConnection(null, Runnable::run), socket, SEND, s, lanes.assign()));
        return s;
    }

    private static void await(BooleanSupplier done, String what) {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "still waiting for " + what);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    @Test
    void everyClientGetsEveryNotificationInOrderWrittenByTheLanesNotTheListener() {
        List<FakeSocket> sockets = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            FakeSocket socket = new FakeSocket();
            sockets.add(socket);
            open(socket);
        }
        List<String> sent = new ArrayList<>();
        for (int poll = 0; poll < 300; poll++) {
            for (int i = 0; i < 1 + poll % 3; i++) {
                String payload = "n" + sent.size();
                sent.add(payload);
                fanout.deliver("orders", payload);
            }
            fanout.pollCompleted();
        }
        for (FakeSocket socket : sockets) {
            await(() -> socket.texts().size() >= sent.size(), "all notifications");
            assertEquals(sent, socket.texts());
            assertTrue(socket.threads().stream().allMatch(t -> t.startsWith("pg_eventserv-writer-")), socket.threads().toString());
            assertFalse(socket.threads().contains(Thread.currentThread().getName()));
        }
        long lanesUsed = sockets.stream().map(s -> s.threads().get(0)).distinct().count();
        assertEquals(2, lanesUsed, "the clients are spread over both lanes");
    }

    @Test
    void aRoundEndsOnlyOnceEveryWriteOfThePollIsMade() {
        List<FakeSocket> sockets = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            FakeSocket socket = new FakeSocket();
            sockets.add(socket);
            open(socket);
        }
        for (int poll = 0; poll < 100; poll++) {
            fanout.deliver("orders", "n" + poll);
            fanout.pollCompleted();
            lanes.finishRound(WAIT_NANOS);
            for (FakeSocket socket : sockets) {
                assertEquals(poll + 1, socket.texts().size(), "poll " + poll);
            }
        }
    }

    @Test
    void aWriteTheSocketHasNotTakenHoldsTheNextBackUntilItCompletes() {
        FakeSocket socket = new FakeSocket();
        socket.takesAtOnce = false;
        open(socket);
        fanout.deliver("orders", "first");
        fanout.pollCompleted();
        await(() -> socket.outstanding != null, "the first write");
        fanout.deliver("orders", "second");
        fanout.pollCompleted();
        fanout.pollCompleted();
        assertEquals(List.of("first"), socket.texts(), "nothing more while the first write is outstanding");
        socket.takesAtOnce = true;
        socket.outstanding.complete(null);
        fanout.pollCompleted();
        await(() -> socket.texts().size() == 2, "the queued notification");
        assertEquals(List.of("first", "second"), socket.texts());
    }

    @Test
    void aFailedWriteEndsTheSubscriber() {
        FakeSocket socket = new FakeSocket();
        socket.broken = true;
        Subscriber s = open(socket);
        fanout.deliver("orders", "lost");
        fanout.pollCompleted();
        await(() -> s.state() == Subscriber.State.CLOSED, "the subscriber to end");
        assertEquals(0, registry.sessions());
        assertFalse(socket.texts().contains("lost"));
    }

    @Test
    void lanesAreOptIn() {
        assertEquals(0, SendPath.laneCount(null));
        assertEquals(0, SendPath.laneCount("0"));
        assertEquals(3, SendPath.laneCount(" 3 "));
        assertEquals(0, SendPath.laneCount("many"));
        assertEquals(0, SendPath.laneCount("99"));
    }
}
