package pgeventserv.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A server-sent events client: {@code GET} with {@code Accept: text/event-stream} (and {@code Last-Event-ID} when
 * resuming), a {@code 200}, then the body, chunked or not, fed to an {@link EventStreamParser}. Checks the order
 * of the sequence numbers in the payloads, and notes when the {@code expected}-th event arrived.
 */
final class SseConnection extends ClientConnection implements EventStreamParser.Events {

    private final FrameParser.Messages messages;
    private final String lastEventId;
    private final long expected;
    final EventStreamParser parser;
    private ChunkedBody chunked;
    private boolean answered;

    private long count;
    private long firstSequence = -1;
    private long lastSequence = -1;
    private long outOfOrder;
    /** When the {@code expected}-th event arrived, {@link System#nanoTime()}; 0 until then. */
    private volatile long completedNanos;

    /**
     * {@code lastEventId} null for a fresh stream; {@code expected} 0 when no count is awaited; payload numbers (send
     * time, sequence) are read in latency mode and while a count is awaited.
     */
    SseConnection(SocketChannel channel, String path, String lastEventId, long expected, boolean latencyMode,
                  FrameParser.Messages messages) {
        super(channel, path);
        this.parser = new EventStreamParser(this, latencyMode || expected > 0);
        this.lastEventId = lastEventId;
        this.expected = expected;
        this.messages = messages;
    }

    @Override
    ByteBuffer request(String hostPort) {
        String request = "GET " + path + " HTTP/1.1\r\n"
                + "Host: " + hostPort + "\r\n"
                + "Accept: text/event-stream\r\n"
                + "Cache-Control: no-cache\r\n"
                + (lastEventId == null ? "" : "Last-Event-ID: " + lastEventId + "\r\n")
                + "\r\n";
        return ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    boolean upgraded() {
        return answered;
    }

    @Override
    String endedByServer() {
        if (chunked != null && chunked.ended()) {
            return "the server ended an event stream";
        }
        return null;
    }

    @Override
    boolean take(ByteBuffer in) throws IOException {
        boolean justAnswered = false;
        if (!answered) {
            String head = readHead(in);
            if (head == null) {
                return false;
            }
            String status = statusLine(head);
            if (!status.startsWith("HTTP/1.1 200")) {
                throw RetryLater.of("event stream refused", head);
            }
            if (isChunked(head)) {
                chunked = new ChunkedBody(parser);
            }
            answered = true;
            justAnswered = true;
        }
        if (chunked != null) {
            chunked.feed(in);
        } else {
            parser.feed(in);
        }
        received = count;
        return justAnswered;
    }

    static boolean isChunked(String head) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("transfer-encoding")
                    && line.substring(colon + 1).toLowerCase(Locale.ROOT).contains("chunked")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void event(long sentMicros, long sequence) {
        messages.message(sentMicros);
        if (sequence >= 0) {
            if (firstSequence < 0) {
                firstSequence = sequence;
            } else if (sequence != lastSequence + 1) {
                outOfOrder++;
            }
            lastSequence = sequence;
        }
        if (++count == expected) {
            completedNanos = System.nanoTime();
        }
    }

    long completedNanos() {
        return completedNanos;
    }

    /** The figures below are the loop thread's: read them only after the loop has stopped. */
    long firstSequence() {
        return firstSequence;
    }

    long lastSequence() {
        return lastSequence;
    }

    /** Events whose sequence number was not the previous one's plus one: doubled, skipped or reordered. */
    long outOfOrder() {
        return outOfOrder;
    }

    long count() {
        return count;
    }
}
