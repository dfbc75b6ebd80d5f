package pgeventserv;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One reconnect storm against a launched server: SOCKETS sessions open, their client dies at once (every socket
 * reset), and at once SOCKETS new handshakes. Reports failed handshakes by kind, the server log's
 * RejectedExecutionExceptions, and how long {@code pg_eventserv_sessions_open} took to read the true count again.
 * {@code ReconnectStormIT} runs it scaled to CI; {@code scripts/soak storm} runs the full 10,000 through {@link #main}.
 */
public final class StormRun {

    /** The bound: the gauge is back to the true count within 5 s of the storm. */
    public static final Duration RECOVERY_LIMIT = Duration.ofSeconds(5);
    private static final Duration HANDSHAKES_LIMIT = Duration.ofSeconds(60);
    /** How long the gauge is given to show the first wave alone before the storm; what it shows more is others'. */
    private static final Duration SETTLE_LIMIT = Duration.ofSeconds(5);
    private static final Pattern REJECTED = Pattern.compile("RejectedExecutionException");

    /**
     * {@code recovery} is null where the server has no {@code /metrics} to read the gauge from, and the log counts are
     * -1 where the server's log is not ours to read (a server deployed by scripts/servers). {@code others}: sessions
     * the gauge counted beside the storm's before it began, on a server shared with earlier tests (event streams
     * whose client left are counted until a keep-alive finds them gone, up to two {@code PingInterval}s).
     */
    public record Result(int sockets, Map<String, Integer> firstFailures, Map<String, Integer> stormFailures,
            Duration reopen, long others, Storm.Recovery recovery, int rejectedInLog, int severeInLog) {

        public boolean clean() {
            return firstFailures.isEmpty() && stormFailures.isEmpty() && rejectedInLog <= 0
                    && (recovery == null || recovery.took() != null && recovery.took().compareTo(RECOVERY_LIMIT) <= 0);
        }

        @Override
        public String toString() {
            return "storm of " + sockets + " sockets:\n"
                    + "  first open: " + (firstFailures.isEmpty() ? "all upgraded" : "failed " + firstFailures) + "\n"
                    + "  killed all at once (RST), reopened " + sockets + " at once in " + reopen.toMillis() + " ms: "
                    + (stormFailures.isEmpty() ? "0 failed handshakes" : "failed " + stormFailures) + "\n"
                    + "  pg_eventserv_sessions_open back to " + sockets + " (and the holder"
                    + (others > 0 ? ", and at most " + others + " others counted before the storm" : "") + ") "
                    + (recovery == null ? "not measured (no /metrics on this server)"
                            : recovery.took() == null
                            ? "NOT within " + RECOVERY_LIMIT.toSeconds() + " s (read: " + recovery.trail() + ")"
                            : recovery.took().toMillis() + " ms after the reopen (read: " + recovery.trail() + ")") + "\n"
                    + "  server log: " + (rejectedInLog < 0 ? "not read (a deployed server's)"
                            : rejectedInLog + " RejectedExecutionException, " + severeInLog + " SEVERE lines") + "\n"
                    + "  " + (clean() ? "CLEAN" : "NOT CLEAN");
        }
    }

    private StormRun() {
    }

    public static Result run(LaunchedServer server, String channel, int sockets) throws Exception {
        return run(server.base(), channel, sockets, server);
    }

    /**
     * The storm against the server at {@code base}; {@code ours} is the launched server whose log is read, or null for
     * a server deployed by scripts/servers. Where {@code /metrics} does not answer, the recovery is not measured.
     */
    public static Result run(URL base, String channel, int sockets, LaunchedServer ours) throws Exception {
        // The channel is LISTENed before the storm, as it is when clients come back to a running server: thousands of
        // handshakes waiting for one LISTEN is BurstIT's subject (beyond 32 waiting, the answer is 503 Retry-After).
        URI listen = URI.create("ws://127.0.0.1:" + base.getPort() + "/listen/" + channel);
        boolean metrics = Scrape.status(base, "/metrics") == 200;
        try (WebSocketClient holder = WebSocketClient.connect(listen); Storm first = new Storm(); Storm second = new Storm()) {
            Map<String, Integer> firstFailures = first.open(base, channel, sockets, HANDSHAKES_LIMIT);
            // Settle before the storm, so that the recovery measured is the storm's alone: whatever the gauge counts
            // beyond the first wave and the holder then is another test's, and can only go down meanwhile.
            long others = 0;
            if (metrics) {
                long settled = Storm.awaitSessionsAtMost(base, first.openCount() + 1, SETTLE_LIMIT).last();
                others = Math.max(0, settled - first.openCount() - 1);
            }
            first.kill();
            long start = System.nanoTime();
            Map<String, Integer> stormFailures = second.open(base, channel, sockets, HANDSHAKES_LIMIT);
            Duration reopen = Duration.ofNanos(System.nanoTime() - start);
            Storm.Recovery recovery = metrics
                    ? Storm.awaitSessionsAtMost(base, second.openCount() + 1 + others, RECOVERY_LIMIT) : null;
            return new Result(sockets, firstFailures, stormFailures, reopen, others, recovery,
                    ours == null ? -1 : ours.logLines(REJECTED), ours == null ? -1 : ours.logLines(Pattern.compile("^SEVERE:")));
        }
    }

    /**
     * {@code StormRun SOCKETS}: a server of its own (MaxSessions 2 × SOCKETS + 1, so old and new may overlap beside
     * the holder), one storm.
     */
    public static void main(String[] args) throws Exception {
        int sockets = Integer.parseInt(args[0]);
        String channel = "soak_storm_" + ProcessHandle.current().pid();
        try (LaunchedServer server = LaunchedServer.onLoopback("storm", TestDatabase.URL,
                Map.of("Channels", "soak_*", "MaxSessions", Integer.toString(2 * sockets + 1)))) {
            Result result = run(server, channel, sockets);
            System.out.println(result);
            server.stop();
            System.exit(result.clean() ? 0 : 1);
        }
    }
}
