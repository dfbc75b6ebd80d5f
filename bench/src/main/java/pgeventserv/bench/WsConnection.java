package pgeventserv.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/** A WebSocket client: the HTTP upgrade written by hand, then the server's frames fed to a {@link FrameParser}. */
final class WsConnection extends ClientConnection {

    final FrameParser parser;
    private boolean upgraded;
    private final byte[] control = new byte[125];

    WsConnection(SocketChannel channel, FrameParser parser, String path) {
        super(channel, path);
        this.parser = parser;
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

    @Override
    ByteBuffer request(String hostPort) {
        return upgradeRequest(hostPort, path);
    }

    @Override
    boolean upgraded() {
        return upgraded;
    }

    @Override
    String endedByServer() {
        return parser.closeCode() < 0 ? null : "the server closed a connection with code " + parser.closeCode();
    }

    @Override
    boolean take(ByteBuffer in) throws IOException {
        boolean justUpgraded = false;
        if (!upgraded) {
            String head = readHead(in);
            if (head == null) {
                return false;
            }
            String status = statusLine(head);
            if (!status.startsWith("HTTP/1.1 101")) {
                throw RetryLater.of("upgrade refused", head);
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

    /** A normal close (1000) written if the socket takes it at once, then the socket closed. */
    @Override
    void closeNormally() {
        try {
            if (upgraded && nothingPending()) {
                channel.write(clientFrame(FrameParser.OP_CLOSE, new byte[] {0x03, (byte) 0xE8}, 2));
            }
        } catch (IOException e) {
            // closing anyway
        }
        closeQuietly();
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
