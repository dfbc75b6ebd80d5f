package pgeventserv;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on loopback to a PostgreSQL server (the test database's) that can go silent: {@link #cut} makes every connection through it,
 * and every new one, swallow what is sent either way, with no FIN and no RST. That is a cable pulled or a firewall
 * dropping packets, the failure a stopped database does not show. {@link #restore} lets new connections through
 * again; those that were cut stay dead, as their TCP state would be. Touches nothing but its own sockets.
 */
public final class SilentProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final String targetHost;
    private final int targetPort;
    private final List<Link> links = new ArrayList<>();
    private volatile boolean cutting;
    private final AtomicInteger openedWhileCut = new AtomicInteger();

    /** One client connection and its upstream; silent once cut. */
    private static final class Link {
        final Socket client;
        final Socket upstream;
        volatile boolean silent;

        Link(Socket client, Socket upstream, boolean silent) {
            this.client = client;
            this.upstream = upstream;
            this.silent = silent;
        }
    }

    public SilentProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon("silent-proxy-accept", this::accept);
    }

    public int port() {
        return listener.getLocalPort();
    }

    public void cut() {
        cutting = true;
        synchronized (links) {
            links.forEach(l -> l.silent = true);
        }
    }

    /**
     * Silences the connections open now but the first {@code spared} opened, and lets new ones through: the
     * network went away and came back while those connections sat idle in a pool, unaware.
     */
    public void cutAllBut(int spared) {
        synchronized (links) {
            for (int i = spared; i < links.size(); i++) {
                links.get(i).silent = true;
            }
        }
    }

    /** Connections opened through the relay so far. */
    public int opened() {
        synchronized (links) {
            return links.size();
        }
    }

    /** Connections opened through the relay since {@link #cut}: attempts that met the dead path. */
    public int openedWhileCut() {
        return openedWhileCut.get();
    }

    public void restore() {
        cutting = false;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                if (cutting) {
                    openedWhileCut.incrementAndGet();
                }
                Socket upstream = new Socket(targetHost, targetPort);
                Link link = new Link(client, upstream, cutting);
                synchronized (links) {
                    links.add(link);
                }
                daemon("silent-proxy-up", () -> pump(link, client, upstream));
                daemon("silent-proxy-down", () -> pump(link, upstream, client));
            } catch (IOException e) {
                // closed, or the upstream refused: the client sees its connection close
            }
        }
    }

    /** Copies one direction until either side closes; while the link is silent, reads and drops. */
    private static void pump(Link link, Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                if (!link.silent) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            if (!link.silent) {
                closeQuietly(link.client);
                closeQuietly(link.upstream);
            }
        }
    }

    private static void daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        synchronized (links) {
            for (Link link : links) {
                closeQuietly(link.client);
                closeQuietly(link.upstream);
            }
        }
    }
}
