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
 * Many WebSocket clients on one channel, spread over a few {@link SelectorLoop} threads (one by default).
 * Counts the text frames each client receives; in latency mode also the NOTIFY-to-client delay of each.
 */
final class LoadClient implements Receivers, AutoCloseable {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final List<SelectorLoop> loops = new ArrayList<>();
    private WsConnection[] connections = {};

    LoadClient(int threads, boolean latencyMode, int latencyCapacityPerThread) throws IOException {
        for (int i = 0; i < threads; i++) {
            SelectorLoop loop = new SelectorLoop("bench-client-" + i, latencyMode, latencyCapacityPerThread);
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
        int threads = loops.size();
        int count = paths.size() * each;
        for (int p = 0; p < paths.size(); p++) {
            for (int i = 0; i < threads; i++) {
                int share = each / threads + ((i + p) % threads < each % threads ? 1 : 0);
                if (share > 0) {
                    loops.get(i).connect(server, paths.get(p), share, Math.max(1, maxInFlight / threads));
                }
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (upgraded() + failed() < count && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        List<WsConnection> all = new ArrayList<>(count);
        for (SelectorLoop loop : loops) {
            for (WsConnection c : loop.connections()) {
                if (c.upgraded()) {
                    all.add(c);
                }
            }
        }
        connections = all.toArray(WsConnection[]::new);
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
        for (WsConnection c : connections) {
            min = Math.min(min, c.received());
        }
        return connections.length == 0 ? 0 : min;
    }

    @Override
    public long totalReceived() {
        long total = 0;
        for (WsConnection c : connections) {
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
