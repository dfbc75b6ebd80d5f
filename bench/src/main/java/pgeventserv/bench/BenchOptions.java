package pgeventserv.bench;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** What {@code scripts/bench} was asked to do; every phase is bounded by these counts and times. */
record BenchOptions(String databaseUrl, Set<Phase> phases, List<Integer> fanOutClients, int warmupSeconds,
                    int durationSeconds, List<Integer> latencyClients, List<Integer> latencyRates, int idleSessions,
                    int crowdClients, int crowdRate, int channelCount, int clientsPerChannel, int channelsRate,
                    int payloadBytes, int clientThreads, long maxNotifications, int maxMinutes, String label,
                    Path outputDirectory, Path launcherJar, Target target, boolean onlyTarget, boolean targetFirst,
                    boolean help) {

    static final String DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/test";
    /** The resume phase: this many event streams reconnect at once, each this many notifications behind. */
    static final int RESUME_CLIENTS = 100;
    static final int RESUME_BEHIND = 500;
    /** The filters phase: this many WebSocket clients, each filtering on a tenant of its own, against as many unfiltered. */
    static final int FILTER_CLIENTS = 1000;

    /** The first of {@code --latency-rate}'s rates: the one the filters phase runs at. */
    int latencyRate() {
        return latencyRates.get(0);
    }

    /** The phases, in the order they run; {@code --phases} picks some. */
    enum Phase {
        IDLE, CEILING, FANOUT, SSE, LATENCY, CROWD, CHANNELS, RESUME, FILTERS;

        String flag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A server already running elsewhere ({@code --target}): its clients connect to {@code pathPrefix + "/listen/" +
     * channel}; with {@code pid > 0} (same machine) its CPU and RSS are read from {@code /proc}.
     */
    record Target(InetSocketAddress address, String pathPrefix, long pid) {

        static Target parse(String url, long pid) {
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--target wants a URL like ws://127.0.0.1:7700, not '" + url + "'");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme();
            if (!List.of("ws", "http").contains(scheme) || uri.getHost() == null) {
                throw new IllegalArgumentException("--target wants a ws:// or http:// URL with a host, like ws://127.0.0.1:7700, not '"
                        + url + "'");
            }
            int port = uri.getPort() < 0 ? 80 : uri.getPort();
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            if (path.endsWith("/listen") || path.endsWith("/listen/")) {
                path = path.substring(0, path.lastIndexOf("/listen"));
            }
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            return new Target(InetSocketAddress.createUnresolved(uri.getHost(), port), path, pid);
        }
    }

    static String usage() {
        return """
                Usage: scripts/bench [options]
                Starts pg_eventserv on a free loopback port (or uses --target) and measures it against a plain pgjdbc
                LISTEN client (the ceiling) in the same run: fan-out throughput, NOTIFY-to-client latency, memory per
                idle session, 10,000 clients on one channel, many channels on one LISTEN connection, the same fan-out
                over server-sent events, %d event streams resuming at once, %d notifications behind, and server-side
                filters (1,000 clients each on its own tenant against 1,000 unfiltered, on JSON payloads).
                Writes a table to stdout and bench.json, bench.png and server.log under target/bench/.

                  --phases P,P,...       which phases run (default all): idle, ceiling, fanout, sse, latency, crowd,
                                         channels, resume, filters
                  --target URL           measure a server already running (ws://host:port, the relay's /listen/{channel}
                                         endpoint), e.g. the original Go pg_eventserv; it must LISTEN on --database
                  --target-pid PID       that server's process, on this machine: its CPU and RSS are read too
                  --only-target          measure the target alone (by default ours runs too, in the same run)
                  --target-first         in every phase, measure the target before ours (by default ours runs first);
                                         alternate it over runs, so that neither always has the warmer machine
                  --database URL         PostgreSQL to use (default: $DATABASE_URL, else %s)
                  --clients N,N,...      fan-out phases (WebSocket and SSE), clients on one channel (default 1,100,1000)
                  --warmup S             seconds of warm-up before each measured window (default 3)
                  --duration S           seconds measured per phase (default 10)
                  --latency-clients N,N  clients of each latency phase (default 100,1000)
                  --latency-rate N,N     notifications per second in the latency phases, each rate with each
                                         --latency-clients count (default 1000; filters run at the first)
                  --idle N               idle sessions for the memory phase, 0 to skip (default 10000)
                  --crowd N              clients on one channel in the crowd phase (default 10000)
                  --crowd-rate N         notifications per second in its latency half (default 100)
                  --channels CxK         channels x clients each in the channels phase (default 1000x10)
                  --channels-rate N      notifications per second, over all channels, in its latency half (default 1000)
                  --payload BYTES        payload size, at least %d (default 40)
                  --client-threads N     selector threads of the load client (default 1)
                  --max-notifications N  per phase at most (default 5000000)
                  --max-minutes M        the whole run is aborted after this (default 15)
                  --label NAME           names the run in the output and writes bench-NAME.json/.png
                  --quick                smoke run: 1 s warm-up, 3 s phases, clients 1,10,100, 10 x 200/s, 1000 idle,
                                         crowd 1000, channels 100x5
                  -h, --help             this text
                """.formatted(RESUME_CLIENTS, RESUME_BEHIND, DEFAULT_DATABASE, Producer.MIN_PAYLOAD);
    }

    static BenchOptions parse(String[] args, Map<String, String> env, Path root) {
        String database = env.getOrDefault("DATABASE_URL", DEFAULT_DATABASE);
        Set<Phase> phases = EnumSet.allOf(Phase.class);
        List<Integer> clients = List.of(1, 100, 1000);
        int warmup = 3;
        int duration = 10;
        List<Integer> latencyClients = List.of(100, 1000);
        List<Integer> latencyRates = List.of(1000);
        int idle = 10_000;
        int crowd = 10_000;
        int crowdRate = 100;
        int channelCount = 1000;
        int perChannel = 10;
        int channelsRate = 1000;
        int payload = 40;
        int threads = 1;
        long maxNotifications = 5_000_000;
        int maxMinutes = 15;
        String label = null;
        String targetUrl = null;
        long targetPid = 0;
        boolean onlyTarget = false;
        boolean targetFirst = false;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "-h", "--help" -> help = true;
                case "--only-target" -> onlyTarget = true;
                case "--target-first" -> targetFirst = true;
                case "--quick" -> {
                    warmup = 1;
                    duration = 3;
                    clients = List.of(1, 10, 100);
                    latencyClients = List.of(10);
                    latencyRates = List.of(200);
                    idle = 1000;
                    crowd = 1000;
                    channelCount = 100;
                    perChannel = 5;
                }
                default -> {
                    if (i + 1 == args.length || !arg.startsWith("--")) {
                        throw new IllegalArgumentException(arg.startsWith("--") ? arg + " needs a value" : "unknown argument '" + arg + "'");
                    }
                    String value = args[++i];
                    switch (arg) {
                        case "--phases" -> phases = phases(value);
                        case "--target" -> targetUrl = value;
                        case "--target-pid" -> targetPid = number(arg, value, 1, Integer.MAX_VALUE);
                        case "--database" -> database = value;
                        case "--clients" -> clients = counts(arg, value);
                        case "--warmup" -> warmup = number(arg, value, 0, 600);
                        case "--duration" -> duration = number(arg, value, 1, 600);
                        case "--latency-clients" -> latencyClients = counts(arg, value);
                        case "--latency-rate" -> latencyRates = rates(arg, value);
                        case "--idle" -> idle = number(arg, value, 0, 60_000);
                        case "--crowd" -> crowd = number(arg, value, 1, 60_000);
                        case "--crowd-rate" -> crowdRate = number(arg, value, 1, 1_000_000);
                        case "--channels" -> {
                            String[] parts = value.toLowerCase(Locale.ROOT).split("x");
                            if (parts.length != 2) {
                                throw new IllegalArgumentException("--channels wants CHANNELSxCLIENTS, like 1000x10, not '" + value + "'");
                            }
                            channelCount = number(arg, parts[0], 1, 10_000);
                            perChannel = number(arg, parts[1], 1, 10_000);
                        }
                        case "--channels-rate" -> channelsRate = number(arg, value, 1, 1_000_000);
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
        if ((targetPid > 0 || onlyTarget || targetFirst) && targetUrl == null) {
            throw new IllegalArgumentException((onlyTarget ? "--only-target" : targetFirst ? "--target-first" : "--target-pid")
                    + " goes with --target");
        }
        if ((long) channelCount * perChannel > 60_000) {
            throw new IllegalArgumentException("--channels: at most 60000 clients in all, not " + channelCount * perChannel);
        }
        Target target = targetUrl == null ? null : Target.parse(targetUrl, targetPid);
        Path output = root.resolve("target");
        return new BenchOptions(database, phases, clients, warmup, duration, latencyClients, latencyRates, idle, crowd,
                crowdRate, channelCount, perChannel, channelsRate, payload, threads, maxNotifications, maxMinutes, label,
                output.resolve("bench"), output.resolve("pg_eventserv.jar"), target, onlyTarget, targetFirst, help);
    }

    private static Set<Phase> phases(String value) {
        Set<Phase> chosen = EnumSet.noneOf(Phase.class);
        for (String part : value.split(",")) {
            String name = part.trim().toLowerCase(Locale.ROOT);
            Phase phase = null;
            for (Phase p : Phase.values()) {
                if (p.flag().equals(name)) {
                    phase = p;
                }
            }
            if (phase == null) {
                throw new IllegalArgumentException("--phases: unknown phase '" + part.trim()
                        + "' (idle, ceiling, fanout, sse, latency, crowd, channels, resume)");
            }
            chosen.add(phase);
        }
        return chosen;
    }

    private static List<Integer> counts(String option, String value) {
        List<Integer> counts = new ArrayList<>();
        for (String part : value.split(",")) {
            counts.add(number(option, part.trim(), 1, 20_000));
        }
        return List.copyOf(counts);
    }

    private static List<Integer> rates(String option, String value) {
        List<Integer> rates = new ArrayList<>();
        for (String part : value.split(",")) {
            rates.add(number(option, part.trim(), 1, 1_000_000));
        }
        return List.copyOf(rates);
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

    boolean runs(Phase phase) {
        return phases.contains(phase);
    }

    /** The idle phase measures RSS (and our heap): it runs unless the only server is a target whose process is unknown. */
    int idleSessionsToOpen() {
        boolean measurable = target == null || !onlyTarget || target.pid() > 0;
        return runs(Phase.IDLE) && measurable ? idleSessions : 0;
    }

    long warmupNanos() {
        return warmupSeconds * 1_000_000_000L;
    }

    long measureNanos() {
        return durationSeconds * 1_000_000_000L;
    }

    /** The most sessions open at the server at once: its MaxSessions must allow them. */
    int mostSessions() {
        int most = idleSessionsToOpen();
        if (runs(Phase.FILTERS)) {
            most = Math.max(most, FILTER_CLIENTS);
        }
        if (runs(Phase.LATENCY)) {
            for (int n : latencyClients) {
                most = Math.max(most, n);
            }
        }
        if (runs(Phase.FANOUT) || runs(Phase.SSE)) {
            for (int n : fanOutClients) {
                most = Math.max(most, n);
            }
        }
        if (runs(Phase.CROWD)) {
            most = Math.max(most, crowdClients);
        }
        if (runs(Phase.CHANNELS)) {
            most = Math.max(most, channelCount * clientsPerChannel);
        }
        if (runs(Phase.SSE)) {
            // An event stream the client closed is open to the server until it next writes to it (a notification, the
            // keep-alive), and a closed WebSocket counts until its close completes: the fan-out phases' sessions, of
            // both transports, may all still count when a later phase opens its own (a resume run met 503s without).
            for (int n : fanOutClients) {
                most += 2 * n;
            }
        }
        if (runs(Phase.RESUME)) {
            // the streams before and after (should the server not yet have seen the first ones go) and a witness
            most = Math.max(most, 2 * RESUME_CLIENTS + 1);
        }
        return most;
    }
}
