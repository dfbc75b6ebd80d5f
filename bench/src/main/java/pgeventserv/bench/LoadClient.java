package pgeventserv.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToIntFunction;

/**
 * Many clients, WebSocket or server-sent events, spread over a few {@link SelectorLoop} threads (one by default).
 * Counts the messages each client receives; in latency mode also the NOTIFY-to-client delay of each.
 */
final class LoadClient implements Receivers, AutoCloseable {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** How the clients listen: {@code /listen/{channel}} upgraded to a WebSocket, or as an event stream. */
    enum Transport {
        WEBSOCKET, SSE
    }

    private final List<SelectorLoop> loops = new ArrayList<>();
    private ClientConnection[] connections = {};

    LoadClient(int threads, boolean latencyMode, int latencyCapacityPerThread) throws IOException {
        this(Transport.WEBSOCKET, threads, latencyMode, latencyCapacityPerThread);
    }

    LoadClient(Transport transport, int threads, boolean latencyMode, int latencyCapacityPerThread) throws IOException {
        for (int i = 0; i < threads; i++) {
            SelectorLoop loop = new SelectorLoop("bench-client-" + i, transport, latencyMode, latencyCapacityPerThread);
            loops.add(loop);
            loop.start();
        }
    }

    /**
     * Opens {@code count} clients on {@code path} and returns once all are upgraded; throws if any failed or
     * the time ran out, naming how many were open.
     */
    void open(InetSocketAddress server, String path, int count, int maxInFlight, long timeoutMillis) throws IOException {
        open(server, List.of(path), count, maxInFlight, timeoutMillis);
    }

    /** As {@link #open(InetSocketAddress, String, int, int, long)}, {@code each} clients on every one of the paths. */
    void open(InetSocketAddress server, List<String> paths, int each, int maxInFlight, long timeoutMillis) throws IOException {
        List<SelectorLoop.Dial> dials = new ArrayList<>(paths.size() * each);
        for (String path : paths) {
            for (int i = 0; i < each; i++) {
                dials.add(SelectorLoop.Dial.fresh(path));
            }
        }
        open(server, dials, maxInFlight, timeoutMillis);
    }

    /**
     * {@code count} event streams on {@code path} that resume after {@code lastEventId}, each awaiting {@code expected}
     * events (see {@link SseConnection#completedNanos}); returns once all are answered.
     */
    void resume(InetSocketAddress server, String path, int count, String lastEventId, long expected, int maxInFlight,
                long timeoutMillis) throws IOException {
        List<SelectorLoop.Dial> dials = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            dials.add(new SelectorLoop.Dial(path, lastEventId, expected));
        }
        open(server, dials, maxInFlight, timeoutMillis);
    }

    /** The dials are dealt out to the threads in turn, so each path's clients are spread over all of them. */
    private void open(InetSocketAddress server, List<SelectorLoop.Dial> dials, int maxInFlight, long timeoutMillis)
            throws IOException {
        int threads = loops.size();
        int count = dials.size();
        List<List<SelectorLoop.Dial>> shares = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            shares.add(new ArrayList<>());
        }
        for (int d = 0; d < count; d++) {
            shares.get(d % threads).add(dials.get(d));
        }
        for (int i = 0; i < threads; i++) {
            if (!shares.get(i).isEmpty()) {
                loops.get(i).connect(server, shares.get(i), Math.max(1, maxInFlight / threads));
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (upgraded() + failed() < count && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        List<ClientConnection> all = new ArrayList<>(count);
        for (SelectorLoop loop : loops) {
            for (ClientConnection c : loop.connections()) {
                if (c.upgraded()) {
                    all.add(c);
                }
            }
        }
        connections = all.toArray(ClientConnection[]::new);
        int retried = sum(loop -> loop.retried.getAndSet(0));
        if (retried > 0) {
            System.err.println("bench: " + retried + " openings were answered 503 Retry-After (handshakes waiting for a"
                    + " LISTEN over the server's bound) and dialled again after the delay");
        }
        if (upgraded() < count) {
            throw new IOException(upgraded() + " of " + count + " clients connected ("
                    + (failed() > 0 ? failed() + " failed, last error: " + lastError() : "timed out after " + timeoutMillis + " ms")
                    + ")");
        }
    }

    int upgraded() {
        return sum(loop -> loop.upgraded.get());
    }

    int failed() {
        return sum(loop -> loop.failed.get());
    }

    /** Connections the server closed or broke after they were open. */
    int closedByServer() {
        return sum(loop -> loop.closedByServer.get());
    }

    private int sum(ToIntFunction<SelectorLoop> counter) {
        return loops.stream().mapToInt(counter).sum();
    }

    String lastError() {
        for (SelectorLoop loop : loops) {
            if (loop.lastError != null) {
                return loop.lastError;
            }
        }
        return null;
    }

    /** The open connections, once {@code open} or {@code resume} returned. */
    List<ClientConnection> connections() {
        return List.of(connections);
    }

    int threads() {
        return loops.size();
    }

    /** Latency samples are taken only for messages sent at or after this time. */
    void recordFrom(long epochMicros) {
        for (SelectorLoop loop : loops) {
            loop.recordFrom(epochMicros);
        }
    }

    @Override
    public long minReceived() {
        long min = Long.MAX_VALUE;
        for (ClientConnection c : connections) {
            min = Math.min(min, c.received());
        }
        return connections.length == 0 ? 0 : min;
    }

    @Override
    public long totalReceived() {
        long total = 0;
        for (ClientConnection c : connections) {
            total += c.received();
        }
        return total;
    }

    /** CPU time of each selector thread: if one of them nears 100 % of a core, the client limits the figures. */
    @Override
    public long[] threadCpuNanos() {
        long[] cpu = new long[loops.size()];
        for (int i = 0; i < cpu.length; i++) {
            cpu[i] = Math.max(0, THREADS.getThreadCpuTime(loops.get(i).thread().getId()));
        }
        return cpu;
    }

    /** The latency samples of all threads; only after {@link #close}. */
    Latencies latencies() {
        return Latencies.merge(loops.stream().map(SelectorLoop::latencies).toArray(Latencies[]::new));
    }

    @Override
    public void close() {
        for (SelectorLoop loop : loops) {
            loop.stop();
        }
        try {
            for (SelectorLoop loop : loops) {
                if (!loop.join(10_000)) {
                    throw new IllegalStateException(loop.thread().getName() + " did not stop within 10 s");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
