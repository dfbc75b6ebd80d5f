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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * pg_eventserv run as a person runs it: the launcher the build made ({@code target/pg_eventserv-launcher.jar},
 * what {@code scripts/pg_eventserv} starts), its own process, stopped with SIGTERM as Ctrl-C would. For tests
 * that need the server to go away and come back, which an Arquillian deployment cannot show a client.
 * Its output goes to {@code target/it/NAME.log}.
 */
public final class LaunchedServer implements AutoCloseable {

    private static final Duration BOOT = Duration.ofSeconds(180);
    private static final Duration STOP = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;
    private final Path log;

    private LaunchedServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts the server on {@code port} with these extra environment variables, and waits until the viewer answers. */
    public static LaunchedServer start(String name, int port, Map<String, String> environment)
            throws IOException, InterruptedException {
        Path log = Path.of("target", "it", name + ".log");
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target", "pg_eventserv-launcher.jar").toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("DATABASE_URL", TestDatabase.URL);
        builder.environment().put("ES_HTTPPORT", Integer.toString(port));
        builder.environment().putAll(environment);
        LaunchedServer server = new LaunchedServer(builder.start(), port, log);
        try {
            server.awaitViewer();
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

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private void awaitViewer() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url("/"))).timeout(Duration.ofSeconds(5)).build();
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
