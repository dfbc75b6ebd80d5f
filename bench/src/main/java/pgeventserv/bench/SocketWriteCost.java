package pgeventserv.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What one write to a loopback socket costs on this machine, with nothing above it: {@code sockets} connections
 * inside this JVM, one thread writing a small buffer to each in turn, as the relay's listener does once a poll,
 * another reading them all, as the load client does. The floor under the relay's own cost per client write: what
 * the kernel takes, which no send path can go below on one thread.
 */
final class SocketWriteCost {

    private static final long ROUND_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(4);

    private SocketWriteCost() {
    }

    /** Mean microseconds a write, over rounds of writes to every socket in the measured window. */
    static double measure(int sockets, int bytes, long warmupNanos, long measureNanos) throws IOException, InterruptedException {
        List<SocketChannel> channels = new ArrayList<>();
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
             Selector selector = Selector.open()) {
            List<SocketChannel> writers = new ArrayList<>();
            for (int i = 0; i < sockets; i++) {
                SocketChannel client = SocketChannel.open(server.getLocalAddress());
                channels.add(client);
                client.configureBlocking(false);
                client.register(selector, SelectionKey.OP_READ);
                SocketChannel accepted = server.accept();
                channels.add(accepted);
                accepted.setOption(StandardSocketOptions.TCP_NODELAY, true);
                accepted.configureBlocking(false);
                writers.add(accepted);
            }
            Thread reader = new Thread(() -> read(selector), "bench-socket-write-cost-reader");
            reader.setDaemon(true);
            reader.start();
            try {
                return write(writers, bytes, warmupNanos, measureNanos);
            } finally {
                reader.interrupt();
                selector.wakeup();
                reader.join(TimeUnit.SECONDS.toMillis(5));
            }
        } finally {
            for (SocketChannel c : channels) {
                c.close();
            }
        }
    }

    private static double write(List<SocketChannel> writers, int bytes, long warmupNanos, long measureNanos) throws IOException {
        ByteBuffer frame = ByteBuffer.allocateDirect(bytes);
        long measuredFrom = System.nanoTime() + warmupNanos;
        long end = measuredFrom + measureNanos;
        long nanos = 0;
        long writes = 0;
        for (long start = System.nanoTime(); start < end; start = System.nanoTime()) {
            for (SocketChannel w : writers) {
                frame.clear();
                w.write(frame);
            }
            if (start >= measuredFrom) {
                nanos += System.nanoTime() - start;
                writes += writers.size();
            }
            LockSupport.parkNanos(Math.max(0, start + ROUND_EVERY_NANOS - System.nanoTime()));
        }
        return writes == 0 ? Double.NaN : nanos / 1000.0 / writes;
    }

    private static void read(Selector selector) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        try {
            while (!Thread.currentThread().isInterrupted()) {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    buffer.clear();
                    ((SocketChannel) key.channel()).read(buffer);
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            // the sockets closed under it: the measurement is over
        }
    }
}
