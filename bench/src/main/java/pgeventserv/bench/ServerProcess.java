package pgeventserv.bench;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The server under test, started the way users start it: {@code java -jar pg_eventserv.jar}, which
 * runs Payara Micro in a child JVM. That child is the process whose CPU, heap and RSS the bench reads.
 * Its output goes to a log file, not to the bench's table.
 */
final class ServerProcess implements Server {

    private final Process launcher;
    private final ProcessHandle server;
    private final int port;
    private final Path log;

    private ServerProcess(Process launcher, ProcessHandle server, int port, Path log) {
        this.launcher = launcher;
        this.server = server;
        this.port = port;
        this.log = log;
    }

    static ServerProcess start(Path launcherJar, Map<String, String> environment, int port, Path log, long timeoutMillis)
            throws IOException {
        if (!Files.isRegularFile(launcherJar)) {
            throw new IOException(launcherJar + " is missing: build with mvn package first");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        // -Dpgeventserv.rawFrames=false given to the bench turns the server's fast path off, to compare.
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("pgeventserv.")) {
                command.add("-D" + name + "=" + System.getProperty(name));
            }
        }
        // BENCH_SERVER_JAVA_OPTS (scripts/bench): JVM options for the launcher, which passes -X and -D options on to
        // the server JVM.
        String serverOptions = System.getProperty("bench.serverJavaOptions", "").trim();
        if (!serverOptions.isEmpty()) {
            command.addAll(List.of(serverOptions.split("\\s+")));
        }
        command.addAll(List.of("-jar", launcherJar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        Process launcher = builder.start();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        ProcessHandle server = null;
        try {
            while (System.nanoTime() < deadline) {
                if (!launcher.isAlive()) {
                    throw new IOException("the server exited with status " + launcher.exitValue() + "; its log: " + log
                            + "\n" + tail(log));
                }
                if (server == null) {
                    server = launcher.toHandle().children().findFirst().orElse(null);
                }
                if (server != null && answers(port)) {
                    return new ServerProcess(launcher, server, port, log);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
            }
            throw new IOException("the server did not answer on port " + port + " within " + timeoutMillis / 1000
                    + " s; its log: " + log + "\n" + tail(log));
        } catch (IOException | RuntimeException e) {
            stop(launcher, Optional.ofNullable(server));
            throw e;
        }
    }

    private static boolean answers(int port) {
        try {
            HttpURLConnection http = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/").toURL().openConnection();
            http.setConnectTimeout(1000);
            http.setReadTimeout(2000);
            return http.getResponseCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public long pid() {
        return server.pid();
    }

    @Override
    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    @Override
    public String pathPrefix() {
        return "";
    }

    @Override
    public String log() {
        return log.toString();
    }

    @Override
    public boolean alive() {
        return server.isAlive();
    }

    /**
     * The bytes of live objects on the heap: {@code jcmd GC.class_histogram} runs a full collection first,
     * so garbage is not counted and the figure does not depend on when the last collection ran.
     */
    @Override
    public long liveHeapBytes() throws IOException {
        return liveHeap().totalBytes();
    }

    /** The live heap by class, after a full collection (see {@link #liveHeapBytes}). */
    HeapHistogram liveHeap() throws IOException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), "GC.class_histogram")
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("jcmd GC.class_histogram did not finish within 120 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for jcmd", e);
        }
        return HeapHistogram.parse(out);
    }

    /** The server's MicroProfile base metrics, in Prometheus text. */
    @Override
    public String baseMetrics() throws IOException {
        return metrics("base");
    }

    @Override
    public String applicationMetrics() throws IOException {
        return metrics("application");
    }

    private String metrics(String scope) throws IOException {
        HttpURLConnection http = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/metrics?scope=" + scope).toURL()
                .openConnection();
        http.setConnectTimeout(2000);
        http.setReadTimeout(5000);
        http.setRequestProperty("Accept", "text/plain");
        try (var in = http.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** SIGTERM to the launcher, which shuts Payara down cleanly; forced after a bound. */
    @Override
    public void close() {
        stop(launcher, Optional.of(server));
    }

    private static void stop(Process launcher, Optional<ProcessHandle> server) {
        launcher.destroy();
        try {
            if (!launcher.waitFor(45, TimeUnit.SECONDS)) {
                launcher.destroyForcibly();
            }
            if (server.isPresent() && server.get().isAlive()) {
                server.get().destroy();
                server.get().onExit().get(15, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            server.ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
