package pgeventserv;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A reconnect storm as a load balancer restart makes one: many WebSocket handshakes started at once from one
 * selector thread, and all their sockets killed at once with a TCP reset (SO_LINGER 0), as when the client
 * process dies. Raw NIO, so thousands of sockets cost one thread and the test sees every answer's status.
 * Bounded: every wait has a deadline. Loopback only.
 */
public final class Storm implements AutoCloseable {

    /** Handshakes that got 101 stay open here until {@link #kill()}. */
    private final List<SocketChannel> open = new ArrayList<>();
    /** What went wrong, by kind ("HTTP 503", "reset before an answer", ...), with counts. */
    private final Map<String, Integer> failures = new TreeMap<>();

    private record Pending(SocketChannel channel, ByteBuffer request, StringBuilder answer) {
    }

    /**
     * Starts {@code count} handshakes on {@code /listen/channel} at once and waits (at most {@code limit}) until each
     * has its answer's head. Returns this storm's failures so far.
     */
    public Map<String, Integer> open(URL base, String channel, int count, Duration limit) throws IOException {
        byte[] request = RawHttp.upgradeRequest(base.getPort(), "/listen/" + channel)
                .getBytes(StandardCharsets.ISO_8859_1);
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", base.getPort());
        long deadline = System.nanoTime() + limit.toNanos();
        try (Selector selector = Selector.open()) {
            int pending = 0;
            for (int i = 0; i < count; i++) {
                SocketChannel c = SocketChannel.open();
                c.configureBlocking(false);
                try {
                    c.connect(server);
                    c.register(selector, SelectionKey.OP_CONNECT, new Pending(c, ByteBuffer.wrap(request), new StringBuilder()));
                    pending++;
                } catch (IOException e) {
                    fail(c, "connect: " + e.getMessage());
                }
            }
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (pending > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                selector.select(Math.max(1, left / 1_000_000));
                for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (step(key, buffer)) {
                        pending--;
                    }
                }
            }
            for (SelectionKey key : selector.keys()) {
                if (key.isValid() && key.interestOps() != 0) {
                    key.cancel();
                    fail((SocketChannel) key.channel(), "no answer within " + limit.toSeconds() + " s");
                }
            }
            // Deregister before the selector closes, so the open sockets can go back to blocking-free idling.
            selector.selectNow();
        }
        return failures();
    }

    /** One event of one handshake; true when that handshake is decided. */
    private boolean step(SelectionKey key, ByteBuffer buffer) {
        Pending p = (Pending) key.attachment();
        try {
            if (key.isConnectable()) {
                p.channel.finishConnect();
                key.interestOps(SelectionKey.OP_WRITE);
            }
            if (key.isValid() && key.isWritable()) {
                p.channel.write(p.request);
                if (!p.request.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ);
                }
                return false;
            }
            if (key.isValid() && key.isReadable()) {
                buffer.clear();
                int n = p.channel.read(buffer);
                if (n < 0) {
                    key.cancel();
                    fail(p.channel, "closed before an answer");
                    return true;
                }
                p.answer.append(new String(buffer.array(), 0, n, StandardCharsets.ISO_8859_1));
                if (p.answer.indexOf("\r\n\r\n") >= 0) {
                    key.interestOps(0);
                    String statusLine = p.answer.substring(0, p.answer.indexOf("\r\n"));
                    if (statusLine.startsWith("HTTP/1.1 101")) {
                        open.add(p.channel);
                    } else {
                        key.cancel();
                        fail(p.channel, "HTTP " + statusLine.substring(Math.min(9, statusLine.length())));
                    }
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            key.cancel();
            fail(p.channel, e.getClass().getSimpleName() + ": " + e.getMessage());
            return true;
        }
    }

    private void fail(SocketChannel c, String why) {
        failures.merge(why, 1, Integer::sum);
        try {
            c.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    /** Sessions this storm holds open. */
    public int openCount() {
        return open.size();
    }

    public Map<String, Integer> failures() {
        return new TreeMap<>(failures);
    }

    public int failed() {
        return failures.values().stream().mapToInt(Integer::intValue).sum();
    }

    public void clearFailures() {
        failures.clear();
    }

    /** Every open socket reset at once (SO_LINGER 0: RST, no FIN), as the kernel does for a killed process. */
    public void kill() {
        for (SocketChannel c : open) {
            try {
                c.setOption(StandardSocketOptions.SO_LINGER, 0);
                c.close();
            } catch (IOException ignored) {
                // gone either way
            }
        }
        open.clear();
    }

    /**
     * How long {@code pg_eventserv_sessions_open} took to read the expected count or less (null: never), its last value, and
     * each value it read on the way with when ("2246 at 120 ms, 2001 at 340 ms"), to tell a slow recovery from a stuck one.
     */
    public record Recovery(Duration took, long last, String trail) {
    }

    /**
     * Polls {@code pg_eventserv_sessions_open} every 50 ms until it reads {@code expected} or less, at most {@code limit}.
     * Not less than a count of sessions open: each is counted from its handshake, before the client sees it open.
     */
    public static Recovery awaitSessionsAtMost(URL base, long expected, Duration limit) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        StringBuilder trail = new StringBuilder();
        long last = Long.MIN_VALUE;
        while (true) {
            long value;
            try {
                value = (long) Scrape.metric(base, "pg_eventserv_sessions_open");
            } catch (IOException | AssertionError e) {
                value = -1;
            }
            long now = System.nanoTime();
            if (value != last) {
                trail.append(trail.length() == 0 ? "" : ", ").append(value).append(" at ")
                        .append((now - start) / 1_000_000).append(" ms");
                last = value;
            }
            if (value >= 0 && value <= expected) {
                return new Recovery(Duration.ofNanos(now - start), value, trail.toString());
            }
            if (now >= deadline) {
                return new Recovery(null, value, trail.toString());
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() {
        kill();
    }
}
