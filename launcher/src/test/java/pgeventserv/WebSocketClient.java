package pgeventserv;

import java.net.URI;
import java.nio.ByteBuffer;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A real WebSocket client (the JDK's) that collects text frames in order, for assertions with bounded waits. */
public final class WebSocketClient implements WebSocket.Listener, AutoCloseable {

    public record Close(int code, String reason) {
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private final AtomicInteger pings = new AtomicInteger();
    private volatile boolean reading = true;
    private WebSocket socket;

    public static WebSocketClient connect(URI uri) throws Exception {
        return connect(uri, HTTP);
    }

    /** Through the given client (one that trusts a test certificate, say), with extra headers as name, value pairs. */
    public static WebSocketClient connect(URI uri, HttpClient http, String... headers) throws Exception {
        WebSocketClient client = new WebSocketClient();
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        client.socket = builder.buildAsync(uri, client).get(30, TimeUnit.SECONDS);
        return client;
    }

    /** Offers a subprotocol, as {@code new WebSocket(url, protocol)} does in a browser. */
    public static WebSocketClient connect(URI uri, String subprotocol) throws Exception {
        WebSocketClient client = new WebSocketClient();
        client.socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).subprotocols(subprotocol)
                .buildAsync(uri, client).get(30, TimeUnit.SECONDS);
        return client;
    }

    /** Offers a subprotocol and sends extra headers as name, value pairs. */
    public static WebSocketClient connectOffering(URI uri, String subprotocol, String... headers) throws Exception {
        WebSocketClient client = new WebSocketClient();
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).subprotocols(subprotocol);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        client.socket = builder.buildAsync(uri, client).get(30, TimeUnit.SECONDS);
        return client;
    }

    /** Stops asking for frames, like a client that no longer reads its socket. */
    public static WebSocketClient connectNotReading(URI uri) throws Exception {
        WebSocketClient client = new WebSocketClient();
        client.reading = false;
        client.socket = HTTP.newWebSocketBuilder().buildAsync(uri, client).get(30, TimeUnit.SECONDS);
        return client;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        // Demand starts at 0; request(0) would be an error that aborts the socket.
        if (reading) {
            webSocket.request(1);
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            messages.add(partial.toString());
            partial.setLength(0);
        }
        if (reading) {
            webSocket.request(1);
        }
        return null;
    }

    /** Starts reading again, everything the server has sent meanwhile. */
    public void resume() {
        reading = true;
        socket.request(1);
    }

    /** The JDK answers every ping with a pong itself; counting them shows the server's keep-alive at work. */
    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        pings.incrementAndGet();
        if (reading) {
            webSocket.request(1);
        }
        return null;
    }

    public int pings() {
        return pings.get();
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Close(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(new Close(1006, String.valueOf(error)));
    }

    /** The next message, or null when none arrives within the timeout. */
    public String next(Duration timeout) throws InterruptedException {
        return messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public List<String> take(int count, Duration timeout) throws InterruptedException {
        List<String> got = new ArrayList<>(count);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (got.size() < count) {
            long left = deadline - System.nanoTime();
            String m = left > 0 ? messages.poll(left, TimeUnit.NANOSECONDS) : null;
            if (m == null) {
                break;
            }
            got.add(m);
        }
        return got;
    }

    /** Every message received and not taken yet. */
    public List<String> drain() {
        List<String> got = new ArrayList<>();
        messages.drainTo(got);
        return got;
    }

    public Close awaitClose(Duration timeout) throws Exception {
        return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    public WebSocket socket() {
        return socket;
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        socket.abort();
    }
}
