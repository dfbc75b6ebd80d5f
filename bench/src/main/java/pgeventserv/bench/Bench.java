package pgeventserv.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import pgeventserv.config.ConnectionSettings;
import pgeventserv.config.DatabaseUrl;

/**
 * {@code scripts/bench}: starts pg_eventserv on a free loopback port (and, with {@code --target}, uses a server
 * already running as well, or instead) and runs, each bounded in count and time and each selectable
 * ({@code --phases}),
 * <ol>
 *   <li>memory per idle session with 10,000 sessions open (first: see {@link #idleMemory});</li>
 *   <li>the ceiling: a plain pgjdbc LISTEN client, flat out and at the latency phase's steady rate;</li>
 *   <li>fan-out throughput with 1, 100 and 1,000 WebSocket clients on one channel, then as many server-sent event
 *   streams (reported against the WebSocket figures of the same run);</li>
 *   <li>NOTIFY-to-client latency at 100 and 1,000 clients x 1,000 notifications/s;</li>
 *   <li>the crowd: 10,000 clients on one channel, flat out and at a steady rate;</li>
 *   <li>many channels: 1,000 channels x 10 clients, one LISTEN connection for all, flat out and at a steady rate;</li>
 *   <li>resume: 100 event streams reconnecting at once with a {@code Last-Event-ID} 500 notifications back;</li>
 * </ol>
 * then prints a table and writes JSON and a chart under {@code target/bench/}.
 *
 * <p>The clients, the producer and the ceiling client share this JVM; the server runs in its own. The load
 * client is one selector thread by default: the table shows its CPU share, so a saturated client would show.
 */
public final class Bench {

    private static final long OPEN_TIMEOUT_MILLIS = 180_000;
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final int UPGRADES_IN_FLIGHT = 200;
    /** The resume phase: notifications before the disconnect, per transaction after it, and its bound. */
    private static final int RESUME_FIRST = 100;
    private static final int RESUME_BATCH = 100;
    private static final long RESUME_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final long QUIET_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final double QUIET_PERCENT = 20;
    /** Descriptors the bench JVM or the server needs besides the sessions: jars, pools, selectors. */
    private static final int SPARE_DESCRIPTORS = 1_000;
    static final String OURS = "pg_eventserv";
    static final String TARGET = "target";
    /** The write-cost probe: as many sockets as the 100-client latency phase, a write the size of a few frames. */
    private static final int SOCKET_WRITE_COST_SOCKETS = 100;
    private static final int SOCKET_WRITE_COST_BYTES = 256;

    private final BenchOptions options;
    private final Results results = new Results();
    private final String channelPrefix = "bench_" + ProcessHandle.current().pid() + "_" + System.currentTimeMillis() % 100_000;
    /** A server measured in this run, and the name its rows carry. */
    private record Subject(String name, Server server) {
    }

    private final List<Subject> subjects = new ArrayList<>();
    /** The server of the phase running now. */
    private Server server;

    private Bench(BenchOptions options) {
        this.options = options;
    }

    public static void main(String[] args) {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args, System.getenv(), Path.of(System.getProperty("bench.root", ".")));
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.print(BenchOptions.usage());
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(BenchOptions.usage());
            return;
        }
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(TimeUnit.MINUTES.toMillis(options.maxMinutes()));
                System.err.println("bench: aborted after " + options.maxMinutes() + " minutes (--max-minutes)");
                System.exit(3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        int status;
        try {
            status = new Bench(options).run();
        } catch (IOException | RuntimeException e) {
            System.err.println("bench: " + e.getMessage());
            status = 1;
        }
        System.exit(status);
    }

    private int run() throws IOException {
        Files.createDirectories(options.outputDirectory());
        results.startedAt = OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
        results.label = options.label();
        results.loadAtStart = ProcStats.loadAverage();
        int idle = fitToDescriptors(options.idleSessionsToOpen(), ProcessHandle.current().pid(), "the bench JVM");
        try {
            if (options.target() == null || !options.onlyTarget()) {
                ServerProcess ours = startServer();
                Runtime.getRuntime().addShutdownHook(new Thread(ours::close, "bench-stop-server"));
                subjects.add(new Subject(OURS, ours));
                idle = fitToDescriptors(idle, ours.pid(), "the server JVM");
            }
            if (options.target() != null) {
                subjects.add(new Subject(TARGET, new TargetServer(options.target())));
                results.warnings.add("target " + options.target().address() + options.target().pathPrefix()
                        + ": live heap per session and server GC are not measured (they need our server's internals)"
                        + (options.target().pid() > 0 ? "" : "; nor its CPU and RSS (give --target-pid)"));
            }
            server = subjects.get(0).server();
            results.serverPid = server.pid();
            results.settings = String.format("payload %d B, warm-up %d s, measured %d s per phase, %d client thread(s), "
                            + "%d cores; open-files limit %d (bench), %s (server); server log %s", options.payloadBytes(),
                    options.warmupSeconds(), options.durationSeconds(), options.clientThreads(),
                    Runtime.getRuntime().availableProcessors(), ProcStats.openFilesLimit(ProcessHandle.current().pid()),
                    server.pid() > 0 ? Long.toString(ProcStats.openFilesLimit(server.pid())) : "-", server.log());
            for (Subject subject : subjects) {
                System.err.println("bench: " + subject.name() + " on " + subject.server().address()
                        + (subject.server().pid() > 0 ? ", pid " + subject.server().pid() : ""));
            }
            System.err.println("bench: measuring...");
            if (idle > 0) {
                int sessions = idle;
                forEachSubject("idle memory", s -> {
                    // A target whose process is unknown has no figure to give (the warnings say so).
                    if (s.server().pid() > 0) {
                        idleMemory(s, sessions);
                    }
                });
            }
            if (options.runs(BenchOptions.Phase.CEILING)) {
                phase("ceiling throughput", () -> ceilingThroughput("ceiling: pgjdbc LISTEN", "_ceiling"));
                if (options.runs(BenchOptions.Phase.LATENCY)) {
                    for (int rate : options.latencyRates()) {
                        phase("ceiling latency " + rate + "/s", () -> ceilingLatency(rate));
                    }
                    phase("socket write cost", () -> results.socketWriteMicros = SocketWriteCost.measure(SOCKET_WRITE_COST_SOCKETS,
                            SOCKET_WRITE_COST_BYTES, options.warmupNanos(), options.measureNanos()));
                }
            }
            if (options.runs(BenchOptions.Phase.FANOUT)) {
                for (int clients : options.fanOutClients()) {
                    forEachSubject("fan-out " + clients, s -> fanOut(s, clients, LoadClient.Transport.WEBSOCKET));
                }
            }
            if (options.runs(BenchOptions.Phase.SSE)) {
                for (int clients : options.fanOutClients()) {
                    forEachSubject("SSE fan-out " + clients, s -> fanOut(s, clients, LoadClient.Transport.SSE));
                }
            }
            if (options.runs(BenchOptions.Phase.CEILING)
                    && (options.runs(BenchOptions.Phase.FANOUT) || options.runs(BenchOptions.Phase.SSE))) {
                phase("ceiling throughput, again", () -> ceilingThroughput("ceiling, again", "_ceiling_again"));
            }
            if (options.runs(BenchOptions.Phase.LATENCY)) {
                for (int rate : options.latencyRates()) {
                    for (int clients : options.latencyClients()) {
                        forEachSubject("latency " + clients + " x " + rate + "/s", s -> latency(s, clients, rate));
                    }
                }
            }
            if (options.runs(BenchOptions.Phase.CROWD)) {
                forEachSubject("crowd " + options.crowdClients(),
                        s -> scale(s, "_crowd", 1, options.crowdClients(), options.crowdRate()));
            }
            if (options.runs(BenchOptions.Phase.CHANNELS)) {
                forEachSubject("channels " + options.channelCount() + "x" + options.clientsPerChannel(),
                        s -> scale(s, "_ch", options.channelCount(), options.clientsPerChannel(), options.channelsRate()));
            }
            if (options.runs(BenchOptions.Phase.RESUME)) {
                forEachSubject("resume " + BenchOptions.RESUME_CLIENTS + "x" + BenchOptions.RESUME_BEHIND, this::resume);
            }
            if (options.runs(BenchOptions.Phase.FILTERS) && subjects.get(0).name().equals(OURS)) {
                // Ours alone: filters are not the original's.
                Subject ours = subjects.get(0);
                phase("filters: " + BenchOptions.FILTER_CLIENTS + " unfiltered", () -> filters(ours, false));
                phase("filters: " + BenchOptions.FILTER_CLIENTS + " x distinct eq", () -> filters(ours, true));
            }
        } finally {
            subjects.forEach(s -> s.server().close());
        }
        results.loadAtEnd = ProcStats.loadAverage();
        Report report = new Report(results);
        System.out.print(report.table());
        String name = options.label() == null ? "bench" : "bench-" + options.label();
        Path json = options.outputDirectory().resolve(name + ".json");
        Files.writeString(json, report.json());
        Path png = options.outputDirectory().resolve(name + ".png");
        Chart.write(results, png);
        System.out.println("\nwritten: " + json + ", " + png);
        return results.failures.isEmpty() ? 0 : 1;
    }

    private interface SubjectPhase {
        void run(Subject subject) throws Exception;
    }

    /** The phase once for each server measured, ours first unless {@code --target-first}. */
    private void forEachSubject(String name, SubjectPhase phase) {
        List<Subject> order = new ArrayList<>(subjects);
        if (options.targetFirst()) {
            Collections.reverse(order);
        }
        for (Subject subject : order) {
            server = subject.server();
            phase(subjects.size() == 1 ? name : name + ", " + subject.name(), () -> phase.run(subject));
        }
        server = subjects.get(0).server();
    }

    private interface Phase {
        void run() throws Exception;
    }

    /** A phase that fails is reported and the next one runs; a dead server ends the run. */
    private void phase(String name, Phase phase) {
        if (!server.alive()) {
            results.failures.add(new Results.Failure(name, "the server is not running"));
            return;
        }
        System.err.println("bench: " + name);
        try {
            awaitQuietServer(name);
            phase.run();
        } catch (Exception e) {
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            results.failures.add(new Results.Failure(name, reason));
            System.err.println("bench: " + name + " failed: " + reason);
        }
    }

    /**
     * Waits (bounded) until the server's CPU is near idle, so that a phase does not measure the previous
     * one's leftovers (a relay that fell behind still has notifications to read from PostgreSQL).
     */
    private void awaitQuietServer(String phase) throws IOException {
        if (server.pid() <= 0) {
            return;
        }
        long deadline = System.nanoTime() + QUIET_TIMEOUT_NANOS;
        double percent;
        do {
            long ticks = server.cpuTicks();
            long start = System.nanoTime();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
            percent = 100.0 * (server.cpuTicks() - ticks) / ProcStats.TICKS_PER_SECOND / ((System.nanoTime() - start) / 1e9);
        } while (percent > QUIET_PERCENT && System.nanoTime() < deadline);
        if (percent > QUIET_PERCENT) {
            results.warnings.add(String.format(Locale.ROOT, "%s: the server was still busy (%.0f %% of a core) %d s after the"
                    + " previous phase; measured anyway", phase, percent, TimeUnit.NANOSECONDS.toSeconds(QUIET_TIMEOUT_NANOS)));
        }
    }

    private ServerProcess startServer() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", options.databaseUrl());
        env.put("ES_HTTPPORT", Integer.toString(port));
        env.put("ES_HTTPHOST", "127.0.0.1");
        if (!System.getenv().containsKey("ES_MAXSESSIONS")) {
            env.put("ES_MAXSESSIONS", Integer.toString(options.mostSessions() + 100));
        }
        System.err.println("bench: starting the server on port " + port + " (log: "
                + options.outputDirectory().resolve("server.log") + ")");
        return ServerProcess.start(options.launcherJar(), env, port, options.outputDirectory().resolve("server.log"),
                OPEN_TIMEOUT_MILLIS);
    }

    private int fitToDescriptors(int sessions, long pid, String who) throws IOException {
        long limit = ProcStats.openFilesLimit(pid);
        if (sessions + SPARE_DESCRIPTORS <= limit) {
            return sessions;
        }
        int fitted = (int) Math.max(0, limit - SPARE_DESCRIPTORS);
        System.err.println("bench: " + who + " may open " + limit + " files: idle sessions cut from " + sessions + " to "
                + fitted + " (raise ulimit -n)");
        return fitted;
    }

    private Connection connect() throws SQLException {
        ConnectionSettings db = DatabaseUrl.parse(options.databaseUrl(), Map.of(), System.getProperty("user.name"));
        return DriverManager.getConnection(db.jdbcUrl(), db.jdbcProperties());
    }

    private Producer producer(String channel) throws SQLException {
        return new Producer(connect(), channel, options.payloadBytes());
    }

    private String listenPath(Subject subject, String channel) {
        return subject.server().pathPrefix() + "/listen/" + channel;
    }

    /**
     * The most (in notifications) the producer may run ahead of the slowest client: well under the relay's
     * per-session queue bound (SessionQueueMessages, 10,000 by default), and a bounded total of queued frames
     * however many clients there are.
     */
    static long maxBacklog(int clients) {
        return Math.max(1_000, Math.min(5_000, 2_000_000 / clients));
    }

    private int latencyCapacity(int rate, int clients, int threads) {
        long expected = (long) rate * (options.durationSeconds() + 2) * clients / threads;
        return (int) Math.min(50_000_000, expected + 10_000);
    }

    /**
     * Run before and after the fan-out phases: on a shared machine the two differ, and the relay's figures are
     * compared with the higher (see {@link Results#ceilingThroughput}).
     */
    private void ceilingThroughput(String name, String channelSuffix) throws Exception {
        String channel = channelPrefix + channelSuffix;
        try (Producer producer = producer(channel); CeilingClient ceiling = new CeilingClient(connect(), channel, false, 0)) {
            CpuMeter cpu = new CpuMeter(server, ceiling, () -> { });
            GcMeter gc = new GcMeter(server);
            Producer.Run run = producer.flatOut(ceiling, 1, maxBacklog(1), options.warmupNanos(),
                    options.measureNanos(), options.maxNotifications(), all(cpu, gc));
            long missing = Producer.drain(ceiling, 1, run.sent(), DRAIN_NANOS);
            results.throughput.add(new Results.Throughput(name, true, 1, run.notificationsPerSecond(),
                    run.deliveriesPerSecond(), run.sent(), missing, ceiling.error() == null ? 0 : 1,
                    note(run.stalled(), ceiling.error()), cpu.share(), gc.during()));
        }
    }

    private void ceilingLatency(int rate) throws Exception {
        String channel = channelPrefix + "_ceiling_latency_" + rate;
        CeilingClient ceiling = new CeilingClient(connect(), channel, true, latencyCapacity(rate, 1, 1));
        Producer.Run run;
        long missing;
        CpuMeter cpu = new CpuMeter(server, ceiling, () -> ceiling.recordFrom(EpochMicros.now()));
        GcMeter gc = new GcMeter(server);
        try (Producer producer = producer(channel)) {
            run = producer.atRate(ceiling, 1, rate, options.warmupNanos(), options.measureNanos(), all(cpu, gc));
            missing = Producer.drain(ceiling, 1, run.sent(), DRAIN_NANOS);
        } finally {
            ceiling.close();
        }
        results.latency.add(new Results.Latency("ceiling: pgjdbc LISTEN", true, 1, rate,
                ceiling.latencies().summary(), missing, ceiling.error() == null ? 0 : 1,
                note(note(behind(missing), overflow(ceiling.latencies())), ceiling.error()), cpu.share(), gc.during(),
                HandOffMeter.HandOffs.UNKNOWN));
    }

    private void fanOut(Subject subject, int clients, LoadClient.Transport transport) throws Exception {
        boolean sse = transport == LoadClient.Transport.SSE;
        String channel = channelPrefix + (sse ? "_sse_" : "_fanout_") + clients;
        try (LoadClient load = new LoadClient(transport, options.clientThreads(), false, 0)) {
            load.open(server.address(), listenPath(subject, channel), clients, UPGRADES_IN_FLIGHT, OPEN_TIMEOUT_MILLIS);
            CpuMeter cpu = new CpuMeter(server, load, () -> { });
            GcMeter gc = new GcMeter(server);
            try (Producer producer = producer(channel)) {
                Producer.Run run = producer.flatOut(load, clients, maxBacklog(clients), options.warmupNanos(),
                        options.measureNanos(), options.maxNotifications(), all(cpu, gc));
                long missing = Producer.drain(load, clients, run.sent(), DRAIN_NANOS);
                results.throughput.add(new Results.Throughput(sse ? Results.sseRow(subject.name()) : subject.name(), false,
                        clients, run.notificationsPerSecond(),
                        run.deliveriesPerSecond(), run.sent(), missing, load.closedByServer() + load.failed(),
                        note(run.stalled(), load.lastError()), cpu.share(), gc.during()));
            }
        }
    }

    /**
     * {@link BenchOptions#RESUME_CLIENTS} event streams get {@link #RESUME_FIRST} notifications and disconnect, holding
     * the id of the last; {@link BenchOptions#RESUME_BEHIND} more are sent (a witness stream shows the server relayed
     * them, so its history holds them); then all reconnect at once with that id as {@code Last-Event-ID}, and each
     * must receive exactly the missed ones, in order.
     */
    private void resume(Subject subject) throws Exception {
        String channel = channelPrefix + "_resume";
        String path = listenPath(subject, channel);
        int clients = BenchOptions.RESUME_CLIENTS;
        int behind = BenchOptions.RESUME_BEHIND;
        try (Producer producer = producer(channel);
             LoadClient witness = new LoadClient(LoadClient.Transport.SSE, 1, false, 0)) {
            witness.open(server.address(), path, 1, 1, OPEN_TIMEOUT_MILLIS);
            LoadClient first = new LoadClient(LoadClient.Transport.SSE, options.clientThreads(), false, 0);
            long missingBefore;
            try {
                first.open(server.address(), path, clients, UPGRADES_IN_FLIGHT, OPEN_TIMEOUT_MILLIS);
                producer.send(0, RESUME_FIRST);
                missingBefore = Producer.drain(first, clients, RESUME_FIRST, DRAIN_NANOS);
            } finally {
                first.close();
            }
            if (missingBefore > 0) {
                throw new IOException(missingBefore + " of the first " + clients * RESUME_FIRST + " deliveries did not arrive");
            }
            String lastId = commonLastId(first);
            for (long sequence = RESUME_FIRST; sequence < RESUME_FIRST + behind; sequence += RESUME_BATCH) {
                producer.send(sequence, (int) Math.min(RESUME_BATCH, RESUME_FIRST + behind - sequence));
            }
            if (Producer.drain(witness, 1, RESUME_FIRST + behind, DRAIN_NANOS) > 0) {
                throw new IOException("the witness stream did not receive the " + behind + " notifications sent while the others were away");
            }
            LoadClient again = new LoadClient(LoadClient.Transport.SSE, options.clientThreads(), false, 0);
            long start = System.nanoTime();
            String note = null;
            try {
                try {
                    again.resume(server.address(), path, clients, lastId, behind, clients, OPEN_TIMEOUT_MILLIS);
                } catch (IOException e) {
                    // the row shows the streams that never opened as missing all; the others are still measured
                    note = e.getMessage();
                }
                long deadline = start + RESUME_TIMEOUT_NANOS;
                while (again.minReceived() < behind && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
                if (again.minReceived() < behind) {
                    note = note(note, "not all clients had their missed notifications after "
                            + TimeUnit.NANOSECONDS.toSeconds(RESUME_TIMEOUT_NANOS) + " s");
                }
                // a little longer, so that a notification delivered twice would show
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
            } finally {
                again.close();
            }
            List<ResumeTally.Stream> streams = again.connections().stream()
                    .map(c -> ResumeTally.Stream.of((SseConnection) c)).toList();
            results.resume.add(ResumeTally.tally(subject.name(), clients, behind, RESUME_FIRST, start, streams,
                    again.closedByServer() + again.failed(), note(note, again.lastError())));
        }
    }

    /**
     * Half of the filters phase, on JSON payloads whose tenant takes turns over {@link BenchOptions#FILTER_CLIENTS}
     * values: that many WebSocket clients, each filtering {@code tenant=eq.<its own>} (so each notification reaches
     * one client, found through the channel's index) or unfiltered (each reaches all). Flat out, with the listener
     * thread's allocation per notification; then the latency at {@code --latency-rate}. The two halves' time per
     * notification is the figure: a filtered channel should cost no more than an unfiltered one.
     */
    private void filters(Subject subject, boolean filtered) throws Exception {
        int clients = BenchOptions.FILTER_CLIENTS;
        String channel = channelPrefix + (filtered ? "_filters_eq" : "_filters_all");
        String path = listenPath(subject, channel);
        List<String> paths = new ArrayList<>(clients);
        for (int i = 0; i < clients; i++) {
            paths.add(filtered ? path + "?filter=" + URLEncoder.encode("tenant=eq." + i, StandardCharsets.UTF_8) : path);
        }
        // A filtered client gets one notification in `clients`: backlogs and counts are per client as for channels.
        int receivers = filtered ? 1 : clients;
        long backlog = filtered ? Backlog.FLOOR : maxBacklog(clients);
        Producer.Run flat;
        long missing;
        int errors;
        String note;
        CpuMeter.Share cpuShare;
        GcMeter.Collections gcDuring;
        long allocated;
        try (LoadClient load = new LoadClient(LoadClient.Transport.WEBSOCKET, options.clientThreads(), false, 0)) {
            load.open(server.address(), paths, 1, UPGRADES_IN_FLIGHT, OPEN_TIMEOUT_MILLIS);
            CpuMeter cpu = new CpuMeter(server, load, () -> { });
            GcMeter gc = new GcMeter(server);
            AllocationMeter allocation = new AllocationMeter(server);
            try (Producer producer = Producer.json(connect(), channel, clients, filtered, options.payloadBytes())) {
                flat = producer.flatOut(load, receivers, backlog, options.warmupNanos(), options.measureNanos(),
                        options.maxNotifications(), all(cpu, gc, allocation));
                missing = filtered ? Producer.drain(load, flat.sent() / clients, flat.sent(), DRAIN_NANOS)
                        : Producer.drain(load, clients, flat.sent(), DRAIN_NANOS);
            }
            errors = load.closedByServer() + load.failed();
            note = note(flat.stalled(), load.lastError());
            cpuShare = cpu.share();
            gcDuring = gc.during();
            allocated = allocation.during();
        }
        double notifications = flat.notificationsInWindow();
        double perNotification = allocated < 0 || notifications <= 0 ? -1 : allocated / notifications;
        LoadClient timed = new LoadClient(options.clientThreads(), true, latencyCapacity(options.latencyRate(), filtered ? 1 : clients,
                options.clientThreads()));
        Producer.Run run;
        long late;
        try (Producer producer = Producer.json(connect(), channel + "_latency", clients, filtered, options.payloadBytes())) {
            String latencyPath = listenPath(subject, channel + "_latency");
            List<String> latencyPaths = paths.stream().map(p -> latencyPath + p.substring(path.length())).toList();
            timed.open(server.address(), latencyPaths, 1, UPGRADES_IN_FLIGHT, OPEN_TIMEOUT_MILLIS);
            run = producer.atRate(timed, receivers, options.latencyRate(), options.warmupNanos(), options.measureNanos(),
                    start -> {
                        if (start) {
                            timed.recordFrom(EpochMicros.now());
                        }
                    });
            late = filtered ? Producer.drain(timed, run.sent() / clients, run.sent(), DRAIN_NANOS)
                    : Producer.drain(timed, clients, run.sent(), DRAIN_NANOS);
        } finally {
            timed.close();
        }
        Latencies samples = timed.latencies();
        results.filters.add(new Results.Filters(filtered ? "each on its own tenant" : "unfiltered", filtered, clients,
                flat.notificationsPerSecond(), flat.deliveriesPerSecond(), missing + late,
                errors + timed.closedByServer() + timed.failed(), note(note(note, behind(late)), overflow(samples)),
                cpuShare, gcDuring, perNotification, options.latencyRate(), samples.summary()));
    }

    /** The id every stream of a closed client received last: the one they all resume from. */
    private static String commonLastId(LoadClient closed) throws IOException {
        String id = null;
        for (ClientConnection c : closed.connections()) {
            String last = ((SseConnection) c).parser.lastId();
            if (last == null || (id != null && !id.equals(last))) {
                throw new IOException("the streams did not all end on the same id (" + id + ", " + last + ")");
            }
            id = last;
        }
        if (id == null) {
            throw new IOException("no stream received an id");
        }
        return id;
    }

    private void latency(Subject subject, int clients, int rate) throws Exception {
        String channel = channelPrefix + "_latency_" + clients + "_" + rate;
        LoadClient load = new LoadClient(options.clientThreads(), true, latencyCapacity(rate, clients, options.clientThreads()));
        Producer.Run run;
        long missing;
        CpuMeter cpu = new CpuMeter(server, load, () -> load.recordFrom(EpochMicros.now()));
        GcMeter gc = new GcMeter(server);
        HandOffMeter handOffs = new HandOffMeter(server);
        try (Producer producer = producer(channel)) {
            load.open(server.address(), listenPath(subject, channel), clients, UPGRADES_IN_FLIGHT, OPEN_TIMEOUT_MILLIS);
            run = producer.atRate(load, clients, rate, options.warmupNanos(), options.measureNanos(),
                    all(cpu, gc, handOffs));
            missing = Producer.drain(load, clients, run.sent(), DRAIN_NANOS);
        } finally {
            load.close();
        }
        Latencies samples = load.latencies();
        results.latency.add(new Results.Latency(subject.name(), false, clients, rate, samples.summary(),
                missing, load.closedByServer() + load.failed(),
                note(note(behind(missing), overflow(samples)), load.lastError()), cpu.share(), gc.during(), handOffs.during()));
    }

    /**
     * Heap and RSS of the server, each after a full GC, before and while {@code sessions} idle sessions are
     * open. One notification is sent to them first: it shows every session is subscribed and alive. A server
     * whose heap cannot be read (a {@code --target}) gives RSS only.
     *
     * <p>Runs first, while the heap has not yet grown for the throughput phases (a full GC then shrinks it,
     * and RSS falls by more than the sessions cost); a few sessions opened and closed before the baseline load
     * the classes of the session path, so they are not counted per session.
     */
    private void idleMemory(Subject subject, int sessions) throws Exception {
        String channel = channelPrefix + "_idle";
        String path = listenPath(subject, channel);
        try (LoadClient warmUp = new LoadClient(1, false, 0)) {
            warmUp.open(server.address(), path, Math.min(sessions, 100), UPGRADES_IN_FLIGHT, OPEN_TIMEOUT_MILLIS);
        }
        HeapHistogram heapBefore = liveHeapOrNull();
        long rssBefore = settledRss();
        try (LoadClient load = new LoadClient(options.clientThreads(), false, 0)) {
            load.open(server.address(), path, sessions, UPGRADES_IN_FLIGHT, OPEN_TIMEOUT_MILLIS);
            long missing;
            try (Producer producer = producer(channel)) {
                producer.send(0, 1);
                missing = Producer.drain(load, sessions, 1, DRAIN_NANOS);
            }
            // RSS first, as it stands: the live-heap count forces a full collection, which gives committed heap
            // back as nothing does in a server's normal life.
            long rssAfter = settledRss();
            HeapHistogram heapAfter = liveHeapOrNull();
            long rssAfterFullGc = heapAfter == null ? -1 : settledRss();
            int errors = load.closedByServer() + load.failed();
            String note = missing > 0 ? missing + " sessions did not receive the check notification" : null;
            Map<String, Double> owners = Map.of();
            if (heapBefore != null && heapAfter != null) {
                owners = heapAfter.growthPerSessionByOwner(heapBefore, sessions);
                Path table = options.outputDirectory().resolve((options.label() == null ? "bench" : "bench-" + options.label())
                        + "-idle-heap.txt");
                Files.writeString(table, HeapHistogram.table(heapAfter.growthPerSession(heapBefore, sessions, 40), sessions));
                note = note(note, "heap by class: " + table);
            }
            results.memory.add(new Results.Memory(subject.name(), sessions,
                    heapBefore == null ? -1 : heapBefore.totalBytes(), heapAfter == null ? -1 : heapAfter.totalBytes(),
                    rssBefore, rssAfter, errors + (int) Math.max(0, missing), note(note, load.lastError()), owners, rssAfterFullGc));
        }
    }

    /** Our own server's heap by class; null for a {@code --target}, whose heap is not ours to read. */
    private HeapHistogram liveHeapOrNull() throws IOException {
        return server instanceof ServerProcess ours ? ours.liveHeap() : null;
    }

    /**
     * {@code channels} channels with {@code each} clients apiece, all open at once: flat out first (throughput), then
     * at {@code rate} notifications a second over all channels (latency), on the same connections. Our server LISTENs
     * on all the channels through its one connection.
     */
    private void scale(Subject subject, String suffix, int channels, int each, int rate) throws Exception {
        String base = channelPrefix + suffix;
        int clients = channels * each;
        List<String> paths = new ArrayList<>(channels);
        for (int c = 0; c < channels; c++) {
            paths.add(listenPath(subject, Producer.channelName(base, channels, c)));
        }
        String name = subject.name() + (channels == 1 ? "" : ", " + Report.count(channels) + " ch");
        long expectedLatencySamples = (long) rate * (options.durationSeconds() + 2) * each / options.clientThreads();
        LoadClient load = new LoadClient(options.clientThreads(), true, (int) Math.min(50_000_000, expectedLatencySamples + 10_000));
        Producer.Run run;
        long missing;
        CpuMeter latencyCpu = new CpuMeter(server, load, () -> load.recordFrom(EpochMicros.now()));
        GcMeter latencyGc = new GcMeter(server);
        try (Producer producer = new Producer(connect(), base, channels, options.payloadBytes())) {
            load.open(server.address(), paths, each, UPGRADES_IN_FLIGHT, OPEN_TIMEOUT_MILLIS);
            CpuMeter cpu = new CpuMeter(server, load, () -> { });
            GcMeter gc = new GcMeter(server);
            long bound = Math.max(Backlog.FLOOR, Math.min(maxBacklog(clients), 100_000 / channels));
            Producer.Run flat = producer.flatOut(load, each, bound, options.warmupNanos(), options.measureNanos(),
                    options.maxNotifications(), all(cpu, gc));
            long flatMissing = Producer.drain(load, Producer.perReceiver(flat.sent(), channels), flat.sent() * each, DRAIN_NANOS);
            results.throughput.add(new Results.Throughput(name, false, clients, flat.notificationsPerSecond(),
                    flat.deliveriesPerSecond(), flat.sent(), flatMissing, load.closedByServer() + load.failed(),
                    note(flat.stalled(), load.lastError()), cpu.share(), gc.during()));
            long before = load.totalReceived();
            run = producer.atRate(load, each, rate, options.warmupNanos(), options.measureNanos(), all(latencyCpu, latencyGc));
            missing = Producer.drain(load, Producer.perReceiver(flat.sent(), channels) + Producer.perReceiver(run.sent(), channels),
                    before + run.sent() * each, DRAIN_NANOS);
        } finally {
            load.close();
        }
        Latencies samples = load.latencies();
        results.latency.add(new Results.Latency(name, false, clients, rate, samples.summary(), missing,
                load.closedByServer() + load.failed(), note(note(behind(missing), overflow(samples)), load.lastError()),
                latencyCpu.share(), latencyGc.during(), HandOffMeter.HandOffs.UNKNOWN));
    }

    /** RSS once it stops moving: after a full GC, G1 gives memory back to the system concurrently, for a while. */
    private long settledRss() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        long previous = server.rssBytes();
        while (System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
            long now = server.rssBytes();
            if (Math.abs(now - previous) < 1024 * 1024) {
                return now;
            }
            previous = now;
        }
        return previous;
    }

    /** Several meters over the same window (CPU, garbage collections, the listener's hand-offs), in this order. */
    private static Producer.Window all(Producer.Window... meters) {
        return start -> {
            for (Producer.Window meter : meters) {
                meter.mark(start);
            }
        };
    }

    private static String behind(long missing) {
        return missing == 0 ? null : "fell behind the offered rate: the percentiles include queueing and leave out the "
                + Report.count(missing) + " deliveries still missing 30 s after the phase";
    }

    private static String overflow(Latencies samples) {
        return samples.overflow() == 0 ? null : samples.overflow() + " samples beyond capacity were not kept";
    }

    private static String note(String first, String second) {
        if (first == null) {
            return second;
        }
        return second == null ? first : first + "; " + second;
    }
}
