package pgeventserv.bench;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The server under test: one the bench started ({@link ServerProcess}), or one already running ({@link TargetServer},
 * {@code --target}). What cannot be read of a server throws, and the phase that needs it is skipped with a note.
 */
interface Server extends AutoCloseable {

    InetSocketAddress address();

    /** What comes before {@code /listen/{channel}} in a client's request path; empty for our own server. */
    String pathPrefix();

    /** Its process on this machine, or 0 when unknown. */
    long pid();

    /** Where its output goes, or a sentence saying there is none. */
    String log();

    boolean alive();

    /** User plus system CPU of its process, in ticks; only when {@link #pid} is known. */
    default long cpuTicks() throws IOException {
        return ProcStats.cpuTicks(requirePid());
    }

    default long rssBytes() throws IOException {
        return ProcStats.rssBytes(requirePid());
    }

    /** Bytes of live objects on its heap, after a full collection. */
    long liveHeapBytes() throws IOException;

    /** Its MicroProfile base metrics, in Prometheus text. */
    String baseMetrics() throws IOException;

    /** Its application metrics (ours: {@code pg_eventserv_*}), in Prometheus text. */
    String applicationMetrics() throws IOException;

    private long requirePid() throws IOException {
        if (pid() <= 0) {
            throw new IOException("the server's process is not known (--target-pid)");
        }
        return pid();
    }

    @Override
    void close();
}
