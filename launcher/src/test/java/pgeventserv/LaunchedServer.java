package pgeventserv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * pg_eventserv run as a person runs it: the jar the build made ({@code target/pg_eventserv.jar}, what
 * {@code scripts/pg_eventserv} starts), its own process, stopped with SIGTERM as Ctrl-C would. For tests
 * that need the server to go away and come back, which an Arquillian deployment cannot show a client, for
 * settings that differ from the shared container's, and for a database of their own ({@link PrivateCluster})
 * that may be down when the server boots. Its output is appended to {@code target/it/NAME.log};
 * {@link #log()} reads this run's part.
 */
public final class LaunchedServer implements AutoCloseable {

    private static final Duration BOOT = Duration.ofSeconds(240);
    private static final Duration STOP = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path log;
    private final long logStart;
    private URL base;

    private LaunchedServer(Process process, Path log, long logStart) {
        this.process = process;
        this.log = log;
        this.logStart = logStart;
    }

    /**
     * Starts the server on a free loopback port with its pool on {@code databaseUrl} and the settings (keys as in
     * the README: {@code MaxSessions}) as {@code ES_} variables; waits until the viewer answers.
     */
    public static LaunchedServer onLoopback(String name, String databaseUrl, Map<String, String> settings)
            throws IOException, InterruptedException {
        int port = freePort();
        Map<String, String> environment = new HashMap<>();
        environment.put("DATABASE_URL", databaseUrl);
        environment.put("ES_HTTPHOST", "127.0.0.1");
        environment.put("ES_HTTPPORT", Integer.toString(port));
        settings.forEach((key, value) -> environment.put("ES_" + key.toUpperCase(Locale.ROOT), value));
        LaunchedServer server = start(name, environment, "http://127.0.0.1:" + port + "/");
        server.base = URI.create("http://127.0.0.1:" + port + "/").toURL();
        return server;
    }

    /**
     * Starts the server with {@code DATABASE_URL} the test database's and these settings ({@code ES_HTTPPORT}
     * and the like), and waits until {@code viewer}, a plain http URL, answers 200.
     */
    public static LaunchedServer start(String name, Map<String, String> environment, String viewer)
            throws IOException, InterruptedException {
        return start(name, environment, viewer, Path.of(""));
    }

    /** As {@link #start(String, Map, String)}, run in {@code directory}, where a relative setting is read from. */
    public static LaunchedServer start(String name, Map<String, String> environment, String viewer, Path directory)
            throws IOException, InterruptedException {
        Path log = Path.of("target", "it", name + ".log");
        Files.createDirectories(log.getParent());
        Files.writeString(log, "---- " + Instant.now() + " starting with " + environment + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        long logStart = Files.size(log);
        ProcessBuilder builder = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target", "pg_eventserv.jar").toAbsolutePath().toString()))
                .directory(directory.toAbsolutePath().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("DATABASE_URL", TestDatabase.URL);
        // The server's full log (the console has a few lines of it) stays under target/, not in the user's home.
        builder.environment().put("XDG_STATE_HOME", Path.of("target", "state").toAbsolutePath().toString());
        builder.environment().putAll(environment);
        LaunchedServer server = new LaunchedServer(builder.start(), log, logStart);
        server.base = URI.create(viewer).toURL();
        try {
            server.awaitViewer(URI.create(viewer));
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitViewer(URI viewer) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(viewer).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + BOOT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            process.waitFor(250, TimeUnit.MILLISECONDS);
        }
        throw new IllegalStateException("the server did not answer within " + BOOT.toSeconds() + " s; see " + log);
    }

    /** The server's address: the viewer's URL it was started with. */
    public URL base() {
        return base;
    }

    public URI listenUri(String channel) {
        return Deployments.listenUri(base, channel);
    }

    /** A plain GET; no answer (the server is gone) is status 0. */
    public RawHttp.Response get(String path) {
        try {
            return RawHttp.get(base, path);
        } catch (IOException | RuntimeException e) {
            return new RawHttp.Response(0, "", e.toString(), false);
        }
    }

    /** What this run has logged so far. */
    public String log() throws IOException {
        byte[] all = Files.readAllBytes(log);
        return new String(all, (int) logStart, all.length - (int) logStart, StandardCharsets.UTF_8);
    }

    /** How many lines this run has logged that match the pattern. */
    public int logLines(Pattern pattern) throws IOException {
        return (int) log().lines().filter(line -> pattern.matcher(line).find()).count();
    }

    /** The server's JVM (Payara Micro, the launcher's child), for thread dumps. */
    public ProcessHandle serverJvm() {
        return process.children().findFirst().orElseThrow();
    }

    /** SIGTERM, as Ctrl-C: the server shuts down cleanly. Waits until it has exited. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP.toSeconds(), TimeUnit.SECONDS)) {
            close();
            throw new IllegalStateException("the server did not stop within " + STOP.toSeconds() + " s; see " + log);
        }
    }

    /** Whatever state it is in, nothing of it is left running. */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
