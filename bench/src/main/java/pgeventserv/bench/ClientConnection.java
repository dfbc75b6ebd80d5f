package pgeventserv.bench;

import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One client socket of a {@link SelectorLoop}: a request written by hand, the response head read, then the body
 * handed to the transport's parser. Owned by one loop thread; other threads only read the volatile figures, which
 * the loop publishes once per read rather than once per message.
 */
abstract class ClientConnection {

    private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};
    private static final int MAX_HEAD = 8192;

    final SocketChannel channel;
    final String path;
    SelectionKey key;
    /** What the loop dialled to make it: dialled again when the server asks to retry later. */
    SelectorLoop.Dial dial;
    private final byte[] head = new byte[MAX_HEAD];
    private int headLength;
    private boolean headDone;
    private ByteBuffer pendingOut;
    /** When the request went out, {@link System#nanoTime()}. */
    volatile long requestNanos;
    protected volatile long received;

    ClientConnection(SocketChannel channel, String path) {
        this.channel = channel;
        this.path = path;
    }

    /** The request that opens the session. */
    abstract ByteBuffer request(String hostPort);

    /** Takes the bytes just read; returns true when this call completed the opening (an upgrade, a {@code 200}). */
    abstract boolean take(ByteBuffer in) throws IOException;

    /** Whether the server accepted the session. */
    abstract boolean upgraded();

    /** Why the server ended the session, or null while it has not. */
    abstract String endedByServer();

    long received() {
        return received;
    }

    void sendRequest(String hostPort) throws IOException {
        requestNanos = System.nanoTime();
        write(request(hostPort));
    }

    /**
     * Takes response head bytes from {@code in} up to the blank line that ends it: the head, once complete,
     * else null (the rest comes with the next read).
     */
    protected String readHead(ByteBuffer in) throws ProtocolException {
        if (headDone) {
            throw new IllegalStateException("the head was read already");
        }
        while (in.hasRemaining() && !endsWith(HEAD_END)) {
            if (headLength == MAX_HEAD) {
                throw new ProtocolException("response header longer than " + MAX_HEAD + " bytes");
            }
            head[headLength++] = in.get();
        }
        if (!endsWith(HEAD_END)) {
            return null;
        }
        headDone = true;
        return new String(head, 0, headLength, StandardCharsets.ISO_8859_1);
    }

    /** The status line of a head. */
    static String statusLine(String head) {
        int end = head.indexOf('\r');
        return end < 0 ? head : head.substring(0, end);
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

    boolean nothingPending() {
        return pendingOut == null;
    }

    /** Ends the session the transport's polite way, then closes the socket. */
    void closeNormally() {
        closeQuietly();
    }

    void closeQuietly() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
