package pgeventserv.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One thread, one selector, many {@link ClientConnection}s (WebSocket or server-sent events): connects them (a bounded number of upgrades at a
 * time, so a burst of thousands does not overflow the server's accept backlog), reads every message and
 * answers pings. Other threads talk to it only through {@link #execute} and the published counters.
 *
 * <p>Latency mode: the clock is read once per socket read (all frames of one read arrived together), and
 * each text message's send time is turned into a sample, if it was sent at or after {@link #recordFrom}.
 */
final class SelectorLoop implements Runnable, FrameParser.Messages {

    /** One connection to make: resuming after {@code lastEventId} (server-sent events only) when not null. */
    record Dial(String path, String lastEventId, long expected) {

        static Dial fresh(String path) {
            return new Dial(path, null, 0);
        }
    }

    private record Retry(Dial dial, long dueNanos) {
    }

    /** A dial answered {@code 503 Retry-After} this many times fails for good. */
    private static final int MAX_ATTEMPTS = 10;

    private final Selector selector;
    private final Thread thread;
    private final LoadClient.Transport transport;
    private final boolean latencyMode;
    private final Latencies latencies;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
    private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final List<ClientConnection> connections = new ArrayList<>();
    private volatile boolean running = true;
    private volatile long recordFrom = Long.MAX_VALUE;
    private long readMicros;

    private InetSocketAddress target;
    /** Each connection still to be made, in order. */
    private final ArrayDeque<Dial> toConnect = new ArrayDeque<>();
    private int inFlight;
    private int maxInFlight;
    /** Openings the server asked to retry later, with when; and each dial's attempts so far (loop thread only). */
    private final ArrayDeque<Retry> retries = new ArrayDeque<>();
    private final Map<Dial, Integer> attempts = new IdentityHashMap<>();

    final AtomicInteger upgraded = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger closedByServer = new AtomicInteger();
    final AtomicInteger retried = new AtomicInteger();
    volatile String lastError;

    SelectorLoop(String name, LoadClient.Transport transport, boolean latencyMode, int latencyCapacity) throws IOException {
        this.selector = Selector.open();
        this.transport = transport;
        this.latencyMode = latencyMode;
        this.latencies = new Latencies(latencyMode ? latencyCapacity : 0);
        this.thread = new Thread(this, name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    Thread thread() {
        return thread;
    }

    void execute(Runnable command) {
        commands.add(command);
        selector.wakeup();
    }

    /** Starts making more connections, at most {@code limit} openings in flight at a time. */
    void connect(InetSocketAddress server, List<Dial> dials, int limit) {
        execute(() -> {
            target = server;
            toConnect.addAll(dials);
            maxInFlight = limit;
        });
    }

    void recordFrom(long micros) {
        recordFrom = micros;
    }

    /** The connections made so far: read by other threads only after {@link #upgraded} says they are open. */
    List<ClientConnection> connections() {
        synchronized (connections) {
            return new ArrayList<>(connections);
        }
    }

    /** Closes every connection and ends the thread; call {@link #latencies} only after {@link #join}. */
    void stop() {
        execute(() -> {
            synchronized (connections) {
                for (ClientConnection c : connections) {
                    c.closeNormally();
                }
            }
            running = false;
        });
    }

    boolean join(long millis) throws InterruptedException {
        thread.join(millis);
        return !thread.isAlive();
    }

    Latencies latencies() {
        return latencies;
    }

    @Override
    public void message(long sentMicros) {
        if (latencyMode && sentMicros >= recordFrom) {
            latencies.add(readMicros - sentMicros);
        }
    }

    @Override
    public void run() {
        try {
            while (running) {
                for (Runnable c; (c = commands.poll()) != null; ) {
                    c.run();
                }
                startConnects();
                if (!running) {
                    break;
                }
                selector.select(100);
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    handle(key);
                }
            }
        } catch (IOException | ClosedSelectorException e) {
            lastError = "selector failed: " + e;
        } finally {
            try {
                selector.close();
            } catch (IOException e) {
                // the thread ends anyway
            }
        }
    }

    private void startConnects() {
        long now = System.nanoTime();
        for (Iterator<Retry> it = retries.iterator(); it.hasNext(); ) {
            Retry retry = it.next();
            if (retry.dueNanos() - now <= 0) {
                it.remove();
                toConnect.add(retry.dial());
            }
        }
        while (!toConnect.isEmpty() && inFlight < maxInFlight) {
            Dial dial = toConnect.poll();
            inFlight++;
            SocketChannel channel = null;
            try {
                channel = SocketChannel.open();
                channel.configureBlocking(false);
                ClientConnection connection = switch (transport) {
                    case WEBSOCKET -> new WsConnection(channel, new FrameParser(this, latencyMode), dial.path());
                    case SSE -> new SseConnection(channel, dial.path(), dial.lastEventId(), dial.expected(), latencyMode, this);
                };
                connection.dial = dial;
                synchronized (connections) {
                    connections.add(connection);
                }
                if (channel.connect(target)) {
                    connection.key = channel.register(selector, SelectionKey.OP_READ, connection);
                    sendUpgrade(connection);
                } else {
                    connection.key = channel.register(selector, SelectionKey.OP_CONNECT, connection);
                }
            } catch (IOException e) {
                fail(null, e);
                if (channel != null) {
                    try {
                        channel.close();
                    } catch (IOException ignored) {
                        // already failed
                    }
                }
            }
        }
    }

    private void sendUpgrade(ClientConnection connection) throws IOException {
        connection.sendRequest(target.getHostString() + ":" + target.getPort());
    }

    private void handle(SelectionKey key) {
        ClientConnection connection = (ClientConnection) key.attachment();
        try {
            if (!key.isValid()) {
                return;
            }
            if (key.isConnectable()) {
                connection.channel.finishConnect();
                key.interestOps(SelectionKey.OP_READ);
                sendUpgrade(connection);
                return;
            }
            if (key.isWritable()) {
                connection.flush();
            }
            if (key.isReadable()) {
                read(connection);
            }
        } catch (IOException | RuntimeException e) {
            fail(connection, e);
        }
    }

    private void read(ClientConnection connection) throws IOException {
        for (int reads = 0; reads < 4; reads++) {
            buffer.clear();
            int n = connection.channel.read(buffer);
            if (n < 0) {
                throw new IOException("the server closed the connection");
            }
            if (n == 0) {
                return;
            }
            if (latencyMode) {
                readMicros = EpochMicros.now();
            }
            buffer.flip();
            boolean wasUpgraded = connection.upgraded();
            if (connection.take(buffer)) {
                inFlight--;
                upgraded.incrementAndGet();
            }
            String ended = connection.endedByServer();
            if (ended != null) {
                closedByServer.incrementAndGet();
                lastError = ended;
                connection.closeNormally();
                return;
            }
            if (wasUpgraded && n < buffer.capacity()) {
                return;
            }
        }
    }

    private void fail(ClientConnection connection, Exception e) {
        if (e instanceof RetryLater later && connection != null && !connection.upgraded()
                && attempts.merge(connection.dial, 1, Integer::sum) < MAX_ATTEMPTS) {
            inFlight--;
            retried.incrementAndGet();
            synchronized (connections) {
                connections.remove(connection);
            }
            connection.closeQuietly();
            retries.add(new Retry(connection.dial, System.nanoTime() + later.delayMillis() * 1_000_000));
            return;
        }
        lastError = e.getMessage() == null ? e.toString() : e.getMessage();
        if (connection == null || !connection.upgraded()) {
            inFlight--;
            failed.incrementAndGet();
        } else {
            closedByServer.incrementAndGet();
        }
        if (connection != null) {
            connection.closeQuietly();
        }
    }
}
