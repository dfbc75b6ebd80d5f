package pgeventserv.bench;

import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One client socket: the HTTP upgrade written by hand, then the server's frames fed to a {@link FrameParser}.
 * Owned by one {@link SelectorLoop} thread; other threads only read {@link #received()}, which the loop
 * publishes once per read rather than once per frame.
 */
final class WsConnection {

    private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};
    private static final int MAX_HEAD = 8192;

    final SocketChannel channel;
    final FrameParser parser;
    final String path;
    SelectionKey key;
    private boolean upgraded;
    private final byte[] head = new byte[MAX_HEAD];
    private int headLength;
    private ByteBuffer pendingOut;
    private final byte[] control = new byte[125];
    private volatile long received;

    WsConnection(SocketChannel channel, FrameParser parser, String path) {
        this.channel = channel;
        this.parser = parser;
        this.path = path;
    }

    static ByteBuffer upgradeRequest(String hostPort, String path) {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String request = "GET " + path + " HTTP/1.1\r\n"
                + "Host: " + hostPort + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        return ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
    }

    boolean upgraded() {
        return upgraded;
    }

    long received() {
        return received;
    }

    /**
     * Takes the bytes just read: the upgrade response until it is complete, frames after it.
     * Returns true when this call completed the upgrade.
     */
    boolean take(ByteBuffer in) throws IOException {
        boolean justUpgraded = false;
        if (!upgraded) {
            while (in.hasRemaining() && !endsWith(HEAD_END)) {
                if (headLength == MAX_HEAD) {
                    throw new ProtocolException("upgrade response header longer than " + MAX_HEAD + " bytes");
                }
                head[headLength++] = in.get();
            }
            if (!endsWith(HEAD_END)) {
                return false;
            }
            String status = new String(head, 0, Math.min(headLength, 64), StandardCharsets.ISO_8859_1);
            status = status.substring(0, Math.max(status.indexOf('\r'), 0));
            if (!status.startsWith("HTTP/1.1 101")) {
                throw new ProtocolException("upgrade refused: " + status);
            }
            upgraded = true;
            justUpgraded = true;
        }
        parser.feed(in);
        received = parser.textMessages();
        int ping = parser.takePing(control);
        if (ping >= 0) {
            write(clientFrame(FrameParser.OP_PONG, control, ping));
        }
        return justUpgraded;
    }

    private boolean endsWith(byte[] suffix) {
        if (headLength < suffix.length) {
            return false;
        }
        for (int i = 0; i < suffix.length; i++) {
            if (head[headLength - suffix.length + i] != suffix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Writes what it can now and keeps the rest for {@link #flush} when the socket is writable again. */
    void write(ByteBuffer out) throws IOException {
        if (pendingOut != null) {
            ByteBuffer joined = ByteBuffer.allocate(pendingOut.remaining() + out.remaining());
            joined.put(pendingOut).put(out).flip();
            pendingOut = joined;
        } else {
            channel.write(out);
            if (out.hasRemaining()) {
                pendingOut = out;
            }
        }
        if (pendingOut != null && key != null) {
            key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
        }
    }

    void flush() throws IOException {
        if (pendingOut != null) {
            channel.write(pendingOut);
            if (!pendingOut.hasRemaining()) {
                pendingOut = null;
            }
        }
        if (pendingOut == null) {
            key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
        }
    }

    /** A normal close (1000) written if the socket takes it at once, then the socket closed. */
    void closeNormally() {
        try {
            if (upgraded && pendingOut == null) {
                channel.write(clientFrame(FrameParser.OP_CLOSE, new byte[] {0x03, (byte) 0xE8}, 2));
            }
        } catch (IOException e) {
            // closing anyway
        }
        closeQuietly();
    }

    void closeQuietly() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }

    /** A client frame: always masked (RFC 6455 5.3), payload at most 125 bytes. */
    static ByteBuffer clientFrame(int opcode, byte[] payload, int length) {
        ByteBuffer frame = ByteBuffer.allocate(6 + length);
        frame.put((byte) (0x80 | opcode)).put((byte) (0x80 | length));
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.put(mask);
        for (int i = 0; i < length; i++) {
            frame.put((byte) (payload[i] ^ mask[i & 3]));
        }
        return frame.flip();
    }
}
