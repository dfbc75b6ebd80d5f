package pgeventserv.launch;

/**
 * Payara Micro's HTTP worker pool, sized for reconnect storms (issue 13): pre-boot {@code set} commands, so the
 * listeners start with them.
 *
 * <p>Grizzly's selector thread hands every I/O event (a read, a close seen as a read, a handshake) to this pool's
 * queue. With Payara's default bound, 4096, a load balancer restart in front of 10,000 sessions (10,000 resets, then
 * 10,000 handshakes, all at once) overflows it: the selector logs {@code RejectedExecutionException}, the handshake
 * whose event was dropped gets a closed connection or HTTP 500, and a dead session whose close was dropped stays
 * counted until the ping reaps it.
 *
 * <p>Why these numbers: Grizzly stops watching a connection while one of its events waits or runs, so the queue holds
 * at most one read and one write task per connection. In a storm the connections are the dead sessions not yet
 * closed plus their replacements, each at most {@code MaxSessions}: {@code 2 × 2 × MaxSessions}, plus Payara's own
 * 4096 for plain HTTP (the viewer, /health, /metrics). A queued task is a few dozen bytes, so 44,096 for the default
 * 10,000 sessions is about 2 MB at the very worst, and empty otherwise. The threads stay Payara's 200: the work is
 * CPU-bound on a few cores, so more threads buy nothing, and 200 leave /health a thread even while handshakes wait
 * for their channel's LISTEN (at most 5 s each).
 */
final class HttpThreadPool {

    static final int MAX_THREADS = 200;
    private static final int PLAIN_HTTP_QUEUE = 4096;
    private static final String POOL = "configs.config.server-config.thread-pools.thread-pool.http-thread-pool.";

    private HttpThreadPool() {
    }

    /** Saturates at Integer.MAX_VALUE rather than overflow for an absurd MaxSessions. */
    static int queueSize(int maxSessions) {
        return (int) Math.min(Integer.MAX_VALUE, 4L * Math.max(0, maxSessions) + PLAIN_HTTP_QUEUE);
    }

    static String render(int maxSessions) {
        return "set " + POOL + "max-queue-size=" + queueSize(maxSessions) + "\n"
                + "set " + POOL + "max-thread-pool-size=" + MAX_THREADS + "\n";
    }
}
