package pgeventserv;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A server-sent events client over a plain socket, reading as an {@code EventSource} does (the HTML standard's
 * event-stream interpretation: lines split at CR LF, LF or CR, data lines joined with LF, the last event id kept)
 * but showing everything a browser hides: the status and headers, the first line, comments, how the stream
 * ended. It reads only when asked, so a test can leave it unread like a stalled client.
 */
public final class EventStreamClient implements AutoCloseable {

    /** One dispatched event: its type ({@code message} unless named), the last event id then, its data. */
    public record Event(String type, String id, String data) {
    }

    private final Socket socket;
    private final InputStream in;
    private final int status;
    private final String head;
    private InputStream body;
    private String refusal;
    private String firstLine;
    private final List<String> comments = new ArrayList<>();
    private String retry;
    private String lastId = "";
    private boolean ended;
    private boolean pendingCr;

    private EventStreamClient(Socket socket, InputStream in, int status, String head) {
        this.socket = socket;
        this.in = in;
        this.status = status;
        this.head = head;
    }

    /** {@code GET rawPath} with {@code Accept: text/event-stream} and the extra headers; reads the answer's head. */
    public static EventStreamClient open(URL base, String rawPath, String... headers) throws IOException {
        return open(base, rawPath, 0, headers);
    }

    /** As {@link #open(URL, String, String...)} with a small receive buffer, so a client that stops reading is soon seen to. */
    public static EventStreamClient open(URL base, String rawPath, int receiveBuffer, String... headers) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", base.getPort()), 5000);
        socket.setSoTimeout(10_000);
        StringBuilder request = new StringBuilder("GET ").append(rawPath).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(base.getPort()).append("\r\n")
                .append("Accept: text/event-stream\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        OutputStream out = socket.getOutputStream();
        out.write(request.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        InputStream in = new BufferedInputStream(socket.getInputStream());
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        while (!received.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                socket.close();
                throw new EOFException("closed before the answer's head ended: " + received);
            }
            received.write(b);
        }
        String head = received.toString(StandardCharsets.ISO_8859_1).trim();
        EventStreamClient client = new EventStreamClient(socket, in, Integer.parseInt(head.substring(9, 12)), head);
        client.body = client.header("Transfer-Encoding") != null
                && client.header("Transfer-Encoding").equalsIgnoreCase("chunked") ? new Chunked(in) : in;
        if (client.status != 200) {
            client.readRefusal();
        }
        return client;
    }

    public int status() {
        return status;
    }

    public String head() {
        return head;
    }

    /** The first value of a header, or null. */
    public String header(String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /** The body of an answer other than 200. */
    public String refusal() {
        return refusal;
    }

    /** The stream's first line, once something has been read. */
    public String firstLine() {
        return firstLine;
    }

    public List<String> comments() {
        return comments;
    }

    /** The last {@code retry:} value seen. */
    public String retry() {
        return retry;
    }

    /** The stream ended as HTTP says one must (its last chunk), not cut off. */
    public boolean ended() {
        return ended;
    }

    /** The next event, or null when the stream ended; waits at most {@code timeout} for it. */
    public Event next(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String type = "";
        StringBuilder data = new StringBuilder();
        while (true) {
            String line = line(deadline);
            if (line == null) {
                return null;
            }
            if (firstLine == null) {
                firstLine = line;
            }
            if (line.isEmpty()) {
                if (!data.isEmpty()) {
                    data.setLength(data.length() - 1);
                    return new Event(type.isEmpty() ? "message" : type, lastId, data.toString());
                }
                type = "";
                continue;
            }
            if (line.startsWith(":")) {
                comments.add(line.substring(1).trim());
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "data" -> data.append(value).append('\n');
                case "event" -> type = value;
                case "id" -> lastId = value;
                case "retry" -> retry = value;
                default -> {
                }
            }
        }
    }

    /** The next {@code n} events; fewer when the stream ends or the time is up. */
    public List<Event> take(int n, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Event> events = new ArrayList<>(n);
        while (events.size() < n) {
            long left = deadline - System.nanoTime();
            Event e;
            try {
                e = left > 0 ? next(Duration.ofNanos(left)) : null;
            } catch (SocketTimeoutException timedOut) {
                e = null;
            }
            if (e == null) {
                break;
            }
            events.add(e);
        }
        return events;
    }

    /** Reads until a comment arrives, while no event is sent; false when the stream ends or the time is up first. */
    public boolean awaitComment(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line;
            try {
                line = line(deadline);
            } catch (SocketTimeoutException e) {
                return false;
            }
            if (line == null) {
                return false;
            }
            if (firstLine == null) {
                firstLine = line;
            }
            if (line.startsWith(":")) {
                comments.add(line.substring(1).trim());
                return true;
            }
        }
    }

    private String line(long deadline) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new SocketTimeoutException("no complete line in time; so far: " + line);
            }
            socket.setSoTimeout((int) left);
            int b = body.read();
            if (b < 0) {
                ended = body instanceof Chunked chunked && chunked.last;
                return null;
            }
            if (pendingCr) {
                pendingCr = false;
                if (b == '\n') {
                    continue;
                }
            }
            if (b == '\r' || b == '\n') {
                pendingCr = b == '\r';
                return line.toString(StandardCharsets.UTF_8);
            }
            line.write(b);
        }
    }

    private void readRefusal() throws IOException {
        String length = header("Content-Length");
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        if (length != null) {
            text.write(in.readNBytes(Integer.parseInt(length)));
        } else {
            try {
                body.transferTo(text);
            } catch (SocketTimeoutException e) {
                // what came is the answer
            }
        }
        refusal = text.toString(StandardCharsets.UTF_8).trim();
    }

    /** Closes the connection: the client goes away. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // gone already
        }
    }

    /** HTTP/1.1 chunked transfer coding, read as it arrives. */
    private static final class Chunked extends InputStream {
        private final InputStream in;
        private int left;
        boolean last;

        Chunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            if (last) {
                return -1;
            }
            if (left == 0) {
                String size = sizeLine();
                if (size == null) {
                    return -1;
                }
                int semicolon = size.indexOf(';');
                left = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
                if (left == 0) {
                    last = true;
                    return -1;
                }
            }
            int b = in.read();
            if (b < 0) {
                return -1;
            }
            if (--left == 0) {
                in.read();
                in.read();
            }
            return b;
        }

        /** The next chunk-size line; null when the connection ends first. */
        private String sizeLine() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b; (b = in.read()) >= 0; ) {
                if (b == '\n') {
                    return line.toString().trim();
                }
                line.append((char) b);
            }
            return null;
        }
    }
}
