package pgeventserv;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/** HTTP spoken by hand, so tests see exactly what a server answers to an upgrade request, before any client library. */
public final class RawHttp {

    /**
     * {@code ended}: the answer ended as HTTP/1.1 says one must, by its Content-Length, its last chunk, or the
     * server closing the connection; false when the read timed out with the answer still open.
     */
    public record Response(int status, String head, String body, boolean ended) {

        /** The status line's reason phrase: {@code Upgrade Required} in {@code HTTP/1.1 426 Upgrade Required}. */
        public String reason() {
            int eol = head.indexOf("\r\n");
            String statusLine = eol < 0 ? head : head.substring(0, eol);
            return statusLine.length() > 13 ? statusLine.substring(13) : "";
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
    }

    private RawHttp() {
    }

    public static Response upgrade(URL base, String rawPath, String... extraHeaders) throws IOException {
        return exchange(base, upgradeRequest(base.getPort(), rawPath, extraHeaders));
    }

    /** A WebSocket handshake on {@code rawPath} as a client sends it to 127.0.0.1:{@code port}, head and blank line. */
    public static String upgradeRequest(int port, String rawPath, String... extraHeaders) {
        StringBuilder request = new StringBuilder()
                .append("GET ").append(rawPath).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\n")
                .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
        for (String header : extraHeaders) {
            request.append(header).append("\r\n");
        }
        return request.append("\r\n").toString();
    }

    public static Response get(URL base, String rawPath) throws IOException {
        return exchange(base, "GET " + rawPath + " HTTP/1.1\r\nHost: 127.0.0.1:" + base.getPort()
                + "\r\nConnection: close\r\n\r\n");
    }

    /** A GET with extra headers ({@code "Accept: text/event-stream"}), answered and closed. */
    public static Response get(URL base, String rawPath, String... extraHeaders) throws IOException {
        StringBuilder request = new StringBuilder("GET ").append(rawPath).append(" HTTP/1.1\r\nHost: 127.0.0.1:")
                .append(base.getPort()).append("\r\nConnection: close\r\n");
        for (String header : extraHeaders) {
            request.append(header).append("\r\n");
        }
        return exchange(base, request.append("\r\n").toString());
    }

    /**
     * A GET that keeps the connection alive, as browsers and curl send it: the server must mark where its answer
     * ends (Content-Length or chunks), else the client waits; {@link Response#ended()} says whether it did.
     */
    public static Response getKeepAlive(URL base, String rawPath) throws IOException {
        return exchange(base, "GET " + rawPath + " HTTP/1.1\r\nHost: 127.0.0.1:" + base.getPort() + "\r\n\r\n");
    }

    /** Reads until the server closes, or the answer is complete, or, for a 101, until the head is complete. */
    private static Response exchange(URL base, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", base.getPort())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            boolean ended = false;
            try {
                for (int n; !ended && (n = in.read(buffer)) > 0; ) {
                    received.write(buffer, 0, n);
                    String soFar = received.toString(StandardCharsets.UTF_8);
                    ended = soFar.startsWith("HTTP/1.1 101") && soFar.contains("\r\n\r\n") || complete(soFar);
                }
                ended = true; // complete, or the server closed the connection
            } catch (SocketTimeoutException e) {
                // whatever arrived is the answer, which never ended
            }
            String text = received.toString(StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            String head = split < 0 ? text : text.substring(0, split);
            String body = split < 0 ? "" : text.substring(split + 4);
            int status = Integer.parseInt(head.substring(9, 12));
            return new Response(status, head, dechunk(head, body), ended);
        }
    }

    private static boolean complete(String soFar) {
        int split = soFar.indexOf("\r\n\r\n");
        if (split < 0) {
            return false;
        }
        String head = soFar.substring(0, split).toLowerCase();
        String body = soFar.substring(split + 4);
        int at = head.indexOf("content-length:");
        if (at >= 0) {
            int end = head.indexOf("\r\n", at);
            int length = Integer.parseInt(head.substring(at + 15, end < 0 ? head.length() : end).trim());
            return body.getBytes(StandardCharsets.UTF_8).length >= length;
        }
        return head.contains("transfer-encoding: chunked") && body.endsWith("0\r\n\r\n");
    }

    private static String dechunk(String head, String body) {
        if (!head.toLowerCase().contains("transfer-encoding: chunked")) {
            return body;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < body.length()) {
            int eol = body.indexOf("\r\n", i);
            if (eol < 0) {
                break;
            }
            int size = Integer.parseInt(body.substring(i, eol).trim(), 16);
            if (size == 0) {
                break;
            }
            byte[] rest = body.substring(eol + 2).getBytes(StandardCharsets.UTF_8);
            String chunk = new String(rest, 0, Math.min(size, rest.length), StandardCharsets.UTF_8);
            out.append(chunk);
            i = eol + 2 + chunk.length() + 2;
        }
        return out.toString();
    }
}
