package pgeventserv.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * {@code --target}: a server someone else started, speaking the same protocol (the original Go pg_eventserv, an
 * older build of ours). The bench neither starts nor stops it; its heap and GC are not ours to read.
 */
final class TargetServer implements Server {

    private final BenchOptions.Target target;
    private final InetSocketAddress address;

    TargetServer(BenchOptions.Target target) throws IOException {
        this.target = target;
        this.address = new InetSocketAddress(target.address().getHostString(), target.address().getPort());
        if (address.isUnresolved()) {
            throw new IOException("--target: cannot resolve " + target.address().getHostString());
        }
        if (!alive()) {
            throw new IOException("--target: nothing answers at " + address);
        }
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public String pathPrefix() {
        return target.pathPrefix();
    }

    @Override
    public long pid() {
        return target.pid();
    }

    @Override
    public String log() {
        return "(the target's own)";
    }

    /** It accepts connections (and, with a known process, that process still runs). */
    @Override
    public boolean alive() {
        if (pid() > 0 && ProcessHandle.of(pid()).map(p -> !p.isAlive()).orElse(true)) {
            return false;
        }
        try (Socket probe = new Socket()) {
            probe.connect(address, 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public long liveHeapBytes() throws IOException {
        throw new IOException("a --target's heap is not measured (it may not be a JVM)");
    }

    @Override
    public String baseMetrics() throws IOException {
        throw new IOException("a --target's metrics are not read");
    }

    @Override
    public String applicationMetrics() throws IOException {
        throw new IOException("a --target's metrics are not read");
    }

    @Override
    public void close() {
        // Not ours to stop.
    }
}
