package pgeventserv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * pg_eventserv run as a person runs it: the jar the build made ({@code target/pg_eventserv.jar}, what
 * {@code scripts/pg_eventserv} starts), its own process, stopped with SIGTERM as Ctrl-C would. For tests
 * that need the server to go away and come back, which an Arquillian deployment cannot show a client.
 * Its output is appended to {@code target/it/NAME.log}.
 */
public final class LaunchedServer implements AutoCloseable {

    private static final Duration BOOT = Duration.ofSeconds(240);
    private static final Duration STOP = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path log;

    private LaunchedServer(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts the server with {@code DATABASE_URL} the test database's and these settings ({@code ES_HTTPPORT}
     * and the like), and waits until {@code viewer}, a plain http URL, answers 200.
     */
    public static LaunchedServer start(String name, Map<String, String> environment, String viewer)
            throws IOException, InterruptedException {
        Path log = Path.of("target", "it", name + ".log");
        Files.createDirectories(log.getParent());
        Files.writeString(log, "---- " + Instant.now() + " starting with " + environment + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target", "pg_eventserv.jar").toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("DATABASE_URL", TestDatabase.URL);
        builder.environment().putAll(environment);
        LaunchedServer server = new LaunchedServer(builder.start(), log);
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
