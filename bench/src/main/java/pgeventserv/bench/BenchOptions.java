package pgeventserv.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What {@code scripts/bench} was asked to do; every phase is bounded by these counts and times. */
record BenchOptions(String databaseUrl, List<Integer> fanOutClients, int warmupSeconds, int durationSeconds,
                    int latencyClients, int latencyRate, int idleSessions, int payloadBytes, int clientThreads,
                    long maxNotifications, int maxMinutes, String label, Path outputDirectory, Path launcherJar,
                    boolean help) {

    static final String DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/test";

    static String usage() {
        return """
                Usage: scripts/bench [options]
                Starts pg_eventserv on a free loopback port and measures it against a plain pgjdbc LISTEN client
                (the ceiling): fan-out throughput, NOTIFY-to-client latency, memory per idle session.
                Writes a table to stdout and bench.json, bench.png and server.log under target/bench/.

                  --database URL         PostgreSQL to use (default: $DATABASE_URL, else %s)
                  --clients N,N,...      fan-out phases, clients on one channel (default 1,100,1000)
                  --warmup S             seconds of warm-up before each measured window (default 3)
                  --duration S           seconds measured per phase (default 10)
                  --latency-clients N    clients in the latency phase (default 100)
                  --latency-rate N       notifications per second in the latency phase (default 1000)
                  --idle N               idle sessions for the memory phase, 0 to skip (default 10000)
                  --payload BYTES        payload size, at least %d (default 40)
                  --client-threads N     selector threads of the load client (default 1)
                  --max-notifications N  per phase at most (default 5000000)
                  --max-minutes M        the whole run is aborted after this (default 10)
                  --label NAME           names the run in the output and writes bench-NAME.json/.png
                  --quick                smoke run: 1 s warm-up, 3 s phases, clients 1,10,100, 10 x 200/s, 1000 idle
                  -h, --help             this text
                """.formatted(DEFAULT_DATABASE, Producer.MIN_PAYLOAD);
    }

    static BenchOptions parse(String[] args, Map<String, String> env, Path root) {
        String database = env.getOrDefault("DATABASE_URL", DEFAULT_DATABASE);
        List<Integer> clients = List.of(1, 100, 1000);
        int warmup = 3;
        int duration = 10;
        int latencyClients = 100;
        int latencyRate = 1000;
        int idle = 10_000;
        int payload = 40;
        int threads = 1;
        long maxNotifications = 5_000_000;
        int maxMinutes = 10;
        String label = null;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "-h", "--help" -> help = true;
                case "--quick" -> {
                    warmup = 1;
                    duration = 3;
                    clients = List.of(1, 10, 100);
                    latencyClients = 10;
                    latencyRate = 200;
                    idle = 1000;
                }
                default -> {
                    if (i + 1 == args.length || !arg.startsWith("--")) {
                        throw new IllegalArgumentException(arg.startsWith("--") ? arg + " needs a value" : "unknown argument '" + arg + "'");
                    }
                    String value = args[++i];
                    switch (arg) {
                        case "--database" -> database = value;
                        case "--clients" -> clients = counts(arg, value);
                        case "--warmup" -> warmup = number(arg, value, 0, 600);
                        case "--duration" -> duration = number(arg, value, 1, 600);
                        case "--latency-clients" -> latencyClients = number(arg, value, 0, 20_000);
                        case "--latency-rate" -> latencyRate = number(arg, value, 1, 1_000_000);
                        case "--idle" -> idle = number(arg, value, 0, 60_000);
                        case "--payload" -> payload = number(arg, value, Producer.MIN_PAYLOAD, 7999);
                        case "--client-threads" -> threads = number(arg, value, 1, 64);
                        case "--max-notifications" -> maxNotifications = number(arg, value, 1, Integer.MAX_VALUE);
                        case "--max-minutes" -> maxMinutes = number(arg, value, 1, 240);
                        case "--label" -> {
                            if (!value.matches("[A-Za-z0-9._-]{1,64}")) {
                                throw new IllegalArgumentException("--label wants letters, digits, '.', '_' or '-', not '" + value + "'");
                            }
                            label = value;
                        }
                        default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
                    }
                }
            }
        }
        Path target = root.resolve("target");
        return new BenchOptions(database, clients, warmup, duration, latencyClients, latencyRate, idle, payload, threads,
                maxNotifications, maxMinutes, label, target.resolve("bench"), target.resolve("pg_eventserv.jar"), help);
    }

    private static List<Integer> counts(String option, String value) {
        List<Integer> counts = new ArrayList<>();
        for (String part : value.split(",")) {
            counts.add(number(option, part.trim(), 1, 20_000));
        }
        return List.copyOf(counts);
    }

    private static int number(String option, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " wants a whole number from " + min + " to " + max + ", not '" + value + "'");
    }

    long warmupNanos() {
        return warmupSeconds * 1_000_000_000L;
    }

    long measureNanos() {
        return durationSeconds * 1_000_000_000L;
    }

    /** The most sessions any phase opens at once: the server's MaxSessions must allow them. */
    int mostSessions() {
        int most = Math.max(idleSessions, latencyClients);
        for (int n : fanOutClients) {
            most = Math.max(most, n);
        }
        return most;
    }
}
