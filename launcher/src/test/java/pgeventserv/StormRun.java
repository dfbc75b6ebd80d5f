package pgeventserv;

import java.net.URI;
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
    private static final Pattern REJECTED = Pattern.compile("RejectedExecutionException");

    public record Result(int sockets, Map<String, Integer> firstFailures, Map<String, Integer> stormFailures,
            Duration reopen, Storm.Recovery recovery, int rejectedInLog, int severeInLog) {

        public boolean clean() {
            return firstFailures.isEmpty() && stormFailures.isEmpty() && rejectedInLog == 0 && recovery.took() != null
                    && recovery.took().compareTo(RECOVERY_LIMIT) <= 0;
        }

        @Override
        public String toString() {
            return "storm of " + sockets + " sockets:\n"
                    + "  first open: " + (firstFailures.isEmpty() ? "all upgraded" : "failed " + firstFailures) + "\n"
                    + "  killed all at once (RST), reopened " + sockets + " at once in " + reopen.toMillis() + " ms: "
                    + (stormFailures.isEmpty() ? "0 failed handshakes" : "failed " + stormFailures) + "\n"
                    + "  pg_eventserv_sessions_open back to " + sockets + " (and the holder) "
                    + (recovery.took() == null ? "NOT within " + RECOVERY_LIMIT.toSeconds() + " s (last " + recovery.last() + ")"
                            : recovery.took().toMillis() + " ms after the reopen") + "\n"
                    + "  server log: " + rejectedInLog + " RejectedExecutionException, " + severeInLog + " SEVERE lines\n"
                    + "  " + (clean() ? "CLEAN" : "NOT CLEAN");
        }
    }

    private StormRun() {
    }

    public static Result run(LaunchedServer server, String channel, int sockets) throws Exception {
        // The channel is LISTENed before the storm, as it is when clients come back to a running server: thousands of
        // handshakes waiting for one LISTEN is BurstIT's subject (beyond 32 waiting, the answer is 503 Retry-After).
        URI listen = URI.create("ws://127.0.0.1:" + server.base().getPort() + "/listen/" + channel);
        try (WebSocketClient holder = WebSocketClient.connect(listen); Storm first = new Storm(); Storm second = new Storm()) {
            Map<String, Integer> firstFailures = first.open(server.base(), channel, sockets, HANDSHAKES_LIMIT);
            // Settle before the storm, so that the recovery measured is the storm's alone.
            Storm.awaitSessionsOpen(server.base(), first.openCount() + 1, HANDSHAKES_LIMIT);
            first.kill();
            long start = System.nanoTime();
            Map<String, Integer> stormFailures = second.open(server.base(), channel, sockets, HANDSHAKES_LIMIT);
            Duration reopen = Duration.ofNanos(System.nanoTime() - start);
            Storm.Recovery recovery = Storm.awaitSessionsOpen(server.base(), second.openCount() + 1, RECOVERY_LIMIT);
            return new Result(sockets, firstFailures, stormFailures, reopen, recovery,
                    server.logLines(REJECTED), server.logLines(Pattern.compile("^SEVERE:")));
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
