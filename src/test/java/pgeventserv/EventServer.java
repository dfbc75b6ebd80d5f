package pgeventserv;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import pgeventserv.launch.WriteTestPostBoot;

/**
 * A Payara Micro with the built WAR that a test starts itself, as {@code scripts/pg_eventserv} does, where the
 * Arquillian container will not do: its database is a {@link PrivateCluster} that may be down at boot, its
 * settings differ from the shared container's, or the test must send it SIGTERM. Its log goes to
 * {@code target/it/<name>/server.log} for assertions and for reading after a failure.
 */
public final class EventServer implements AutoCloseable {

    private static final Duration DEPLOY_TIMEOUT = Duration.ofMinutes(3);

    private final Process process;
    private final int port;
    private final Path log;
    private final Thread cleanup;

    private EventServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.cleanup = new Thread(process::destroyForcibly, "event-server-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /** Boots the server with its pool on {@code databaseUrl} and the settings as system properties; waits until the WAR answers. */
    public static EventServer start(String name, String databaseUrl, Map<String, String> settings) throws Exception {
        Path home = Path.of("target", "it", name).toAbsolutePath();
        deleteTree(home); // Payara Micro keeps deployed applications in its root directory: start clean
        Path postBoot = home.resolve("post-boot.asadmin");
        WriteTestPostBoot.write(postBoot, databaseUrl);
        Path log = home.resolve("server.log");
        int port = PrivateCluster.freePort();

        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xmx384m", "-XX:TieredStopAtLevel=1"));
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", System.getProperty("payara.microJar", "target/runtime/payara-micro.jar"),
                "--nocluster", "--port", Integer.toString(port), "--rootdir", home.resolve("root").toString(),
                "--addlibs", Path.of("target/runtime/postgresql.jar").toAbsolutePath().toString(),
                "--postbootcommandfile", postBoot.toString(),
                "--deploy", Path.of("target/pg_eventserv.war").toAbsolutePath().toString(), "--contextroot", "/"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        EventServer server = new EventServer(process, port, log);
        try {
            Eventually.within(DEPLOY_TIMEOUT, "the WAR answers on port " + port + " (see " + log + ")", () -> {
                if (!process.isAlive()) {
                    throw new AssertionError("the server exited with " + process.exitValue() + ": see " + log);
                }
                return server.get("/").status() == 200;
            });
        } catch (Exception | AssertionError e) {
            server.close();
            throw e;
        }
        return server;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    public URL base() {
        try {
            return URI.create("http://127.0.0.1:" + port + "/").toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    public URI listenUri(String channel) {
        return Deployments.listenUri(base(), channel);
    }

    /** A plain GET; no answer (the server is not listening yet, or gone) is status 0. */
    public RawHttp.Response get(String path) {
        try {
            return RawHttp.get(base(), path);
        } catch (IOException | RuntimeException e) {
            return new RawHttp.Response(0, "", e.toString());
        }
    }

    public String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** How many lines of the log match the pattern. */
    public int logLines(Pattern pattern) throws IOException {
        Matcher m = pattern.matcher(log());
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** SIGTERM, as a service manager stops it; returns the exit code. */
    public int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the server did not exit within " + timeout.toSeconds() + " s of SIGTERM");
        }
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // the JVM is shutting down and runs the hook itself
        }
    }
}
