package pgeventserv.launch;

import pgeventserv.config.ConnectionSettings;
import pgeventserv.config.DatabaseUrl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import pgeventserv.Eventually;
import pgeventserv.LaunchedServer;
import pgeventserv.Pem;
import pgeventserv.RawHttp;
import pgeventserv.RawHttp.Response;
import pgeventserv.SeedWalkthrough;
import pgeventserv.TestDatabase;
import pgeventserv.WebSocketClient;

/**
 * {@code java -jar target/pg_eventserv.jar}, run as a user runs it, booted once with every setting the
 * launcher acts on, each from a different source so that one boot shows the whole precedence:
 * <ul>
 * <li>the file sets the HTTP and HTTPS ports, HttpHost, BasePath, UrlBase, AssetsPath, the TLS files and the
 * pool, and loses {@code Channels} to {@code ES_CHANNELS}, {@code DbConnection} to {@code DATABASE_URL};</li>
 * <li>{@code ES_CORSORIGINS} loses to the system property {@code -DCORSOrigins};</li>
 * <li>{@code -DDebug=false} loses to {@code --debug}.</li>
 * </ul>
 */
class LauncherIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration BOOT = Duration.ofSeconds(240);
    private static final Path JAR = Path.of("target/pg_eventserv.jar");

    static Path dir;
    static Pem.Pair tls;
    static Process launcher;
    static final StringBuilder output = new StringBuilder();
    static int http;
    static int https;
    static URL base;
    static HttpClient trusting;
    static TestDatabase db;

    @BeforeAll
    static void boot() throws Exception {
        dir = Files.createTempDirectory("launcher-it");
        tls = Pem.selfSigned(dir, "server", "ec");
        Path assets = Files.createDirectories(dir.resolve("assets"));
        Files.writeString(assets.resolve("index.html"), "<!DOCTYPE html><title>custom viewer</title>"
                + "<script id=\"settings\" type=\"application/json\">/*SETTINGS*/{}</script>");
        Files.writeString(assets.resolve("app.js"), "console.log('custom');\n");
        http = freePort();
        https = freePort();
        Path config = Files.writeString(dir.resolve("my.toml"), """
                httpport = %d
                HttpsPort = %d
                HttpHost = "127.0.0.1"
                BasePath = "/events"
                UrlBase = "https://public.example/events/"
                AssetsPath = "%s"
                TlsServerCertificateFile = "%s"
                TlsServerPrivateKeyFile = "%s"
                Channels = ["file_*"]
                CORSOrigins = ["http://file.example"]
                DbConnection = "host=127.0.0.1 port=1 dbname=nowhere user=nobody"
                DbPoolMaxConns = 3
                DbPoolMaxConnLifeTime = "10m"
                Debug = false
                """.formatted(http, https, assets, tls.certificate(), tls.key()));

        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-DCORSOrigins=http://allowed.example,http://*.wild.example", "-DDebug=false",
                "-jar", JAR.toString(), "--config", config.toString(), "--debug");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(Map.of(
                "DATABASE_URL", TestDatabase.URL,
                "ES_CHANNELS", "itl_* env_*",
                "ES_CORSORIGINS", "http://env.example",
                "XDG_CACHE_HOME", Path.of("target/launcher-cache").toAbsolutePath().toString(),
                "XDG_STATE_HOME", Path.of("target/state").toAbsolutePath().toString()));
        launcher = builder.start();
        Thread reader = new Thread(() -> copyOutput(launcher.getInputStream()), "launcher-output");
        reader.setDaemon(true);
        reader.start();
        awaitOutput("ready on", BOOT);

        base = new URL("http://127.0.0.1:" + http + "/");
        trusting = HttpClient.newBuilder().sslContext(trusting(tls.certificate())).connectTimeout(WAIT).build();
        db = new TestDatabase();
    }

    @AfterAll
    static void stop() throws Exception {
        if (db != null) {
            db.close();
        }
        if (launcher != null) {
            List<ProcessHandle> children = launcher.descendants().toList();
            launcher.destroy();
            if (!launcher.waitFor(60, TimeUnit.SECONDS)) {
                launcher.destroyForcibly();
            }
            children.forEach(ProcessHandle::destroyForcibly);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void theStartupLineNamesVersionAddressesDatabaseAndChannelsWithoutThePassword() {
        String line = output().lines().filter(l -> l.contains(" INFO pg_eventserv ") && l.contains("ready on")).findFirst().orElseThrow();
        line = line.substring(line.indexOf("pg_eventserv "));
        ConnectionSettings database = DatabaseUrl.parse(TestDatabase.URL, Map.of(), System.getProperty("user.name"));
        assertTrue(line.startsWith("pg_eventserv " + pgeventserv.config.Version.current() + " ready on 127.0.0.1:" + http
                + " and https 127.0.0.1:" + https + ", database " + database.describe() + ", channels itl_* env_*"), line);
        assertTrue(line.endsWith("open http://127.0.0.1:" + http + "/events/"), line);
        if (!database.password().isEmpty()) {
            assertFalse(output().contains(database.password()));
        }
    }

    /** DbConnection in the file points nowhere: DATABASE_URL wins, or nothing would arrive. */
    @Test
    void theSeedWalkthroughRunsOnTheJarUnderTheBasePath() throws Exception {
        String channel = TestDatabase.uniqueChannel("itl_seed").toLowerCase();
        try (WebSocketClient client = WebSocketClient.connect(URI.create("ws://127.0.0.1:" + http + "/events/listen/" + channel))) {
            SeedWalkthrough.run(db, channel, client);
        }
    }

    @Test
    void basePathPrefixesEveryRoute() throws Exception {
        assertEquals(101, RawHttp.upgrade(base, "/events/listen/itl_base").status());
        assertEquals(404, RawHttp.upgrade(base, "/listen/itl_base").status());
        assertEquals(200, RawHttp.get(base, "/events/").status());
        assertEquals(404, RawHttp.get(base, "/").status());
    }

    @Test
    void httpHostBindsOnlyThatAddress() {
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.2", http).close());
    }

    @Test
    void assetsPathReplacesTheViewerWhichGetsUrlBaseAndChannels() throws Exception {
        Response page = RawHttp.get(base, "/events/");
        assertTrue(page.body().contains("<title>custom viewer</title>"), page.body());
        assertTrue(page.body().contains("{\"channels\":[\"itl_*\",\"env_*\"],\"urlBase\":\"https://public.example/events/\"}"), page.body());
        Response script = RawHttp.get(base, "/events/app.js");
        assertEquals(200, script.status());
        assertEquals("console.log('custom');\n", script.body());
        assertEquals(404, RawHttp.get(base, "/events/missing.js").status());
    }

    /** ES_CHANNELS is above the file. */
    @Test
    void channelsFromTheEnvironmentWinOverTheFile() throws Exception {
        assertEquals(101, RawHttp.upgrade(base, "/events/listen/env_x").status());
        Response refused = RawHttp.upgrade(base, "/events/listen/file_x");
        assertEquals(403, refused.status());
        assertEquals("requested channel 'file_x' is not allowed", refused.body().trim());
    }

    /** -DCORSOrigins is above ES_CORSORIGINS, which is above the file. */
    @Test
    void onlyAllowedOriginsMayUpgradeByRawHttp() throws Exception {
        assertEquals(101, RawHttp.upgrade(base, "/events/listen/itl_o", "Origin: http://allowed.example").status());
        assertEquals(101, RawHttp.upgrade(base, "/events/listen/itl_o", "Origin: http://team.wild.example").status());
        assertEquals(101, RawHttp.upgrade(base, "/events/listen/itl_o").status(), "no Origin: no browser page");
        for (String origin : List.of("http://env.example", "http://file.example", "http://evil.example")) {
            Response refused = RawHttp.upgrade(base, "/events/listen/itl_o", "Origin: " + origin);
            assertEquals(403, refused.status(), origin);
            assertEquals("origin '" + origin + "' is not allowed", refused.body().trim());
        }
    }

    @Test
    void onlyAllowedOriginsMayOpenAWebSocket() throws Exception {
        String channel = TestDatabase.uniqueChannel("itl_origin");
        URI uri = URI.create("ws://127.0.0.1:" + http + "/events/listen/" + channel);
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> WebSocketClient.connect(uri, HttpClient.newHttpClient(), "Origin", "http://evil.example"));
        assertEquals(403, ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());
        try (WebSocketClient client = WebSocketClient.connect(uri, HttpClient.newHttpClient(), "Origin", "http://allowed.example")) {
            db.notify(channel, "for an allowed page");
            assertEquals("for an allowed page", client.next(WAIT));
        }
    }

    @Test
    void theViewerSendsCorsHeadersForAllowedOriginsOnly() throws Exception {
        assertFalse(RawHttp.get(base, "/events/app.js").head().toLowerCase().contains("access-control-allow-origin"));
        HttpResponse<String> allowed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "events/"))
                .header("Origin", "http://allowed.example").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("http://allowed.example", allowed.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        HttpResponse<String> other = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "events/"))
                .header("Origin", "http://evil.example").build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(other.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
    }

    @Test
    void httpsServesTheViewerWithTheGivenCertificate() throws Exception {
        HttpResponse<String> page = trusting.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + https + "/events/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("custom viewer"));
        assertEquals(PemKeyStore.certificates(tls.certificate()).get(0),
                page.sslSession().orElseThrow().getPeerCertificates()[0]);
    }

    @Test
    void wssRelaysOnTheHttpsPort() throws Exception {
        String channel = TestDatabase.uniqueChannel("itl_wss");
        try (WebSocketClient client = WebSocketClient.connect(URI.create("wss://127.0.0.1:" + https + "/events/listen/" + channel), trusting)) {
            db.notify(channel, "over TLS");
            assertEquals("over TLS", client.next(WAIT));
        }
    }

    /** --debug is above -DDebug=false: every LISTEN is logged. */
    @Test
    void debugOptionWinsAndLogsEachListen() throws Exception {
        String channel = TestDatabase.uniqueChannel("itl_debug");
        try (WebSocketClient client = WebSocketClient.connect(URI.create("ws://127.0.0.1:" + http + "/events/listen/" + channel))) {
            awaitOutput("LISTEN " + channel, WAIT);
        }
        assertTrue(output().contains("started with debug logging"));
    }

    /** What Payara made of DbPoolMaxConns and DbPoolMaxConnLifeTime, read from the server's own configuration. */
    @Test
    void poolSettingsReachThePayaraPool() throws Exception {
        List<String> arguments = launcher.descendants().flatMap(p -> p.info().arguments().stream())
                .map(List::of).filter(a -> a.contains("--rootdir")).findFirst().orElseThrow();
        Path domain = Path.of(arguments.get(arguments.indexOf("--rootdir") + 1), "config", "domain.xml");
        String pool = Files.readString(domain).lines().filter(l -> l.contains("name=\"eventserv-pool\"")).findFirst().orElseThrow();
        assertTrue(pool.contains("max-pool-size=\"3\""), pool);
        assertTrue(pool.contains("idle-timeout-in-seconds=\"600\""), pool);
    }

    /**
     * Payara Micro runs from its layout in the cache (its jars are not copied into the server's root at each start)
     * with its classes in a class archive: made by this JVM as it stops when the cache has none yet, else used.
     */
    @Test
    void payaraRunsFromItsCachedLayoutWithAClassArchive() throws Exception {
        List<String> arguments = launcher.descendants().flatMap(p -> p.info().arguments().stream())
                .map(List::of).filter(a -> a.contains("--rootdir")).findFirst().orElseThrow();
        Path cache = Path.of("target/launcher-cache/pg_eventserv").toAbsolutePath();
        String classPath = arguments.get(arguments.indexOf("-cp") + 1);
        assertTrue(classPath.startsWith(cache.resolve("payara-micro-").toString()) && classPath.contains("/launch-micro.jar"), classPath);
        assertTrue(arguments.stream().anyMatch(a -> a.startsWith("-XX:SharedArchiveFile=" + cache)
                || a.startsWith("-XX:ArchiveClassesAtExit=" + cache)), arguments.toString());
        Path root = Path.of(arguments.get(arguments.indexOf("--rootdir") + 1));
        assertTrue(Files.isRegularFile(root.resolve("config/domain.xml")));
        assertFalse(Files.exists(root.resolve("runtime")), "no copy of Payara's jars in " + root);
    }

    @Test
    void theJarAnswersVersionHelpAndBadInputWithTheDocumentedExitCodes() throws Exception {
        Run version = runJar("--version");
        assertEquals(0, version.exit());
        assertEquals("pg_eventserv " + pgeventserv.config.Version.current(), version.output().trim());
        Run help = runJar("-h");
        assertEquals(0, help.exit());
        assertTrue(help.output().contains("ES_TLSSERVERCERTIFICATEFILE"));
        Run bad = runJar("--bogus");
        assertEquals(2, bad.exit());
        assertTrue(bad.output().startsWith("pg_eventserv: unknown option '--bogus'\nUsage:"), bad.output());
        Path badKey = Files.writeString(dir.resolve("bad.toml"), "Channels = [\"x\"]\nDebgu = true\n");
        Run key = runJar("-c", badKey.toString());
        assertEquals(1, key.exit());
        assertEquals("pg_eventserv: " + badKey + ": line 2: unknown key 'Debgu' (did you mean Debug?)", key.output().trim());
    }

    /**
     * Without --debug a start prints a handful of lines, the server's log file named among them and the ready line
     * last, each in the one plain format; Payara's boot chatter is in the file. The shared boot above is --debug:
     * it shows everything, far more.
     */
    @Test
    void aDefaultStartPrintsAFewPlainLinesAndNamesTheLogFile() throws Exception {
        Path file = dir.resolve("plain.log");
        try (LaunchedServer server = LaunchedServer.onLoopback("quiet-start", TestDatabase.URL, Map.of("LogFile", file.toString()))) {
            // The launcher prints its ready line just after the application answers, which is when onLoopback returns.
            Eventually.within(WAIT, "the ready line", () -> logOf(server).contains(" ready on "));
            List<String> start = upToReady(server.log());
            assertTrue(start.size() <= 5, "at most 5 lines up to ready: " + start);
            assertTrue(start.stream().anyMatch(l -> l.endsWith("the server's log: " + file)), start.toString());
            Eventually.within(WAIT, "the LISTEN line", () -> logOf(server).contains("LISTEN connection up"));
            for (String line : server.log().lines().toList()) {
                assertTrue(PLAIN_LINE.matcher(line).matches(), "time, level, message: '" + line + "'");
            }
            String full = Files.readString(file);
            assertTrue(full.contains("Payara Micro"), "Payara's boot messages are in the file");
            assertTrue(full.lines().allMatch(l -> PLAIN_LINE.matcher(l).matches()), full);
            assertFalse(full.contains("has expired"), "no dump of the JDK's expired CA certificates");
        }
        List<String> debug = upToReady(output());
        assertTrue(debug.size() > 20, "--debug shows everything: " + debug.size() + " lines");
    }

    @Test
    void logFormatJsonWritesOneJsonObjectALine() throws Exception {
        Path file = dir.resolve("json.log");
        try (LaunchedServer server = LaunchedServer.onLoopback("json-log", TestDatabase.URL,
                Map.of("LogFormat", "json", "LogFile", file.toString()))) {
            Eventually.within(WAIT, "the ready and LISTEN lines", () -> logOf(server).contains("LISTEN connection up") && logOf(server).contains(" ready on "));
            List<String> lines = server.log().lines().toList();
            assertTrue(lines.size() >= 3, lines.toString());
            for (String line : List.of(String.join("\n", lines), Files.readString(file))) {
                for (String json : line.lines().toList()) {
                    try (JsonReader reader = Json.createReader(new StringReader(json))) {
                        JsonObject object = reader.readObject();
                        assertTrue(object.getString("time").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), json);
                        assertFalse(object.getString("level").isEmpty(), json);
                        object.getString("message");
                    }
                }
            }
            assertTrue(lines.stream().anyMatch(l -> l.contains("\"message\":\"pg_eventserv " + pgeventserv.config.Version.current() + " ready on")),
                    lines.toString());
        }
    }

    /** Payara Micro would log a stack trace and hang: the launcher says it in one line and exits with 1. */
    @Test
    void aPortInUseIsOneLineAndExitStatusOne() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Run run = runJar(Map.of("ES_HTTPHOST", "127.0.0.1", "ES_HTTPPORT", Integer.toString(taken.getLocalPort())));
            assertEquals(1, run.exit());
            assertEquals("pg_eventserv: HttpPort " + taken.getLocalPort() + " (ES_HTTPPORT) on 127.0.0.1 is in use by another process",
                    run.output().trim());
        }
        Run bad = runJar(Map.of("ES_LOGFORMAT", "xml"));
        assertEquals(1, bad.exit());
        assertEquals("pg_eventserv: ES_LOGFORMAT: LogFormat must be plain or json, not 'xml'", bad.output().trim());
    }

    private static final Pattern PLAIN_LINE = Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z (SEVERE|WARNING|INFO|CONFIG|FINE|FINER|FINEST) \\S.*");

    /** The lines printed up to and with the ready line. */
    private static List<String> upToReady(String log) {
        List<String> lines = new ArrayList<>();
        for (String line : log.lines().toList()) {
            lines.add(line);
            if (line.contains(" ready on ")) {
                return lines;
            }
        }
        throw new AssertionError("no ready line in " + lines);
    }

    private static String logOf(LaunchedServer server) {
        try {
            return server.log();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Without --debug, an unreachable database is one warning with its cause, not the pool's three per attempt. */
    @Test
    void anUnreachableDatabaseIsLoggedOnceNotOncePerReconnectAttempt() throws Exception {
        try (LaunchedServer down = LaunchedServer.onLoopback("unreachable", "postgresql://nobody@127.0.0.1:1/nowhere",
                Map.of())) {
            // The backoff (0.1 s, doubling) makes five or more attempts in this time.
            Thread.sleep(4_000);
            String log = down.log();
            assertEquals(1, log.split("cannot reach the database", -1).length - 1, log);
            assertTrue(log.contains("Connection to 127.0.0.1:1 refused"), "the warning gives the cause: " + log);
            assertFalse(log.contains("RAR5"), "no pool warning per attempt: " + log);
        }
    }

    private record Run(int exit, String output) {
    }

    private static Run runJar(String... args) throws Exception {
        return runJar(Map.of(), args);
    }

    private static Run runJar(Map<String, String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DATABASE_URL", TestDatabase.URL);
        builder.environment().putAll(environment);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out);
    }

    private static SSLContext trusting(Path certificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", PemKeyStore.certificates(certificate).get(0));
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The launcher's and the server's output, kept for assertions and in target/launcher-it.log for people. */
    private static void copyOutput(InputStream in) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
             PrintWriter log = new PrintWriter(Files.newBufferedWriter(Path.of("target/launcher-it.log")), true)) {
            for (String line; (line = lines.readLine()) != null; ) {
                log.println(line);
                synchronized (output) {
                    output.append(line).append('\n');
                    output.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    private static String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    private static void awaitOutput(String needle, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (output) {
            while (output.indexOf(needle) < 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || !launcher.isAlive()) {
                    throw new AssertionError("no '" + needle + "' in the output within " + timeout.toSeconds()
                            + " s (launcher " + (launcher.isAlive() ? "running" : "exited " + launcher.exitValue())
                            + "); see target/launcher-it.log");
                }
                output.wait(Math.min(left, 1000));
            }
        }
    }
}
