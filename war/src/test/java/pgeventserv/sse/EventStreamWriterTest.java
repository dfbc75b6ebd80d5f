package pgeventserv.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import pgeventserv.fanout.Frame;
import pgeventserv.fanout.HistoryLimits;
import pgeventserv.fanout.Limits;
import pgeventserv.fanout.Subscriber;
import pgeventserv.fanout.Subscriptions;

/** The event stream's writer against a container as strict as Open Liberty about non-blocking writes. */
class EventStreamWriterTest {

    /**
     * Open Liberty's rule for an output stream with a write listener: a write is allowed only on a thread whose last
     * {@code isReady()} said true, once (SRVE0918E otherwise). {@code ready} is what {@code isReady()} answers.
     */
    private static final class StrictOutput extends ServletOutputStream {
        final ByteArrayOutputStream taken = new ByteArrayOutputStream();
        final ThreadLocal<Boolean> allowed = ThreadLocal.withInitial(() -> false);
        volatile boolean ready = true;
        int refused;

        @Override
        public boolean isReady() {
            allowed.set(ready);
            return ready;
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            // The test calls onWritePossible itself.
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (!allowed.get()) {
                refused++;
                throw new IOException("SRVE0918E: The attempted blocking write is not allowed");
            }
            allowed.set(false);
            taken.write(bytes, offset, length);
        }

        String text() {
            return taken.toString(StandardCharsets.UTF_8);
        }
    }

    private final Subscriptions subscriptions = new Subscriptions(new Limits(10, 1 << 20),
            new HistoryLimits(0, 0, Duration.ZERO), 10, 10, channel -> CompletableFuture.completedFuture(null),
            channel -> { }, 0);
    private final StrictOutput out = new StrictOutput();
    private final AtomicBoolean completed = new AtomicBoolean();
    private final Subscriber subscriber = subscriptions.subscribe(List.of("orders"), EventStreamFormat.PAYLOAD, false,
            null, Map.of());
    private final EventStreamWriter writer = new EventStreamWriter(async(), out, subscriber);

    private AsyncContext async() {
        return (AsyncContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {AsyncContext.class},
                (p, method, args) -> {
                    if (method.getName().equals("complete")) {
                        completed.set(true);
                    }
                    return null;
                });
    }

    /** As the container does: onWritePossible on a thread it allows to write. */
    private void containerCallsOnWritePossible() throws IOException {
        out.allowed.set(true);
        writer.onWritePossible();
    }

    @Test
    void eventsWrittenFromAnotherThreadThanTheContainersAskIsReadyThereFirst() throws Exception {
        containerCallsOnWritePossible();
        Thread listener = new Thread(() -> subscriber.send(Frame.of("data: first\n\n")), "listener");
        listener.start();
        listener.join(5_000);
        assertEquals(0, out.refused, "no write without an isReady() of its own thread");
        assertEquals(EventStreamFormat.RETRY + "data: first\n\n", out.text());
        assertFalse(completed.get());
    }

    @Test
    void anEventTheContainerCannotTakeYetWaitsForOnWritePossible() throws Exception {
        containerCallsOnWritePossible();
        out.ready = false;
        subscriber.send(Frame.of("data: first\n\n"));
        subscriber.send(Frame.of("data: second\n\n"));
        assertEquals(EventStreamFormat.RETRY, out.text(), "nothing written while the container is not ready");
        out.ready = true;
        containerCallsOnWritePossible();
        assertEquals(0, out.refused);
        assertEquals(EventStreamFormat.RETRY + "data: first\n\ndata: second\n\n", out.text());
        assertFalse(completed.get());
    }
}
