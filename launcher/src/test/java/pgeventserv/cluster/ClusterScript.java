package pgeventserv.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import pgeventserv.DurableDatabase;
import pgeventserv.LaunchedServer;

/**
 * One test's scripts/cluster: starts and stops it in the background on a free port with a state directory of its own,
 * and reads the instances' ports and pids from that directory; for the resume tests, also the private cluster with the
 * durable schema that the instances run on. The test class's thread owns it.
 */
final class ClusterScript {

    /** How scripts/cluster ended: its exit status and what it printed. */
    record Run(int exit, String output) {
    }

    /** HAProxy's port: the one the clients use. */
    final int front = LaunchedServer.freePort();
    private final Path state;
    /** What the instances connect to, once started; --stop needs none. */
    private String databaseUrl = "postgresql://127.0.0.1:1/none";
    /** The private cluster the instances run on, when {@link #startOnDurableDatabase} started one. */
    private DurableDatabase durable;

    ClusterScript(Path state) {
        this.state = state;
    }

    /**
     * A state directory of this run's own under target/: -Dit.test runs the test once in each failsafe execution,
     * and each run's instance logs stay for a failure.
     */
    static ClusterScript perRun(String name) {
        return new ClusterScript(Path.of("target/" + name + "-" + ProcessHandle.current().pid()).toAbsolutePath());
    }

    /** Starts a private cluster with a fresh durable schema, then the instances and HAProxy on it; returns the database. */
    DurableDatabase startOnDurableDatabase(int instances) throws IOException, InterruptedException, SQLException {
        durable = DurableDatabase.start();
        durable.installFresh();
        Run started = start(instances, durable.url());
        assertEquals(0, started.exit(), started.output());
        return durable;
    }

    /** scripts/cluster --background: returns once the instances and HAProxy are ready. */
    Run start(int instances, String databaseUrl) throws IOException, InterruptedException {
        this.databaseUrl = databaseUrl;
        return run(400, "--background", Integer.toString(instances));
    }

    /** scripts/cluster --stop. */
    Run stop() throws IOException, InterruptedException {
        return run(60, "--stop");
    }

    /** scripts/cluster --stop, then the private cluster's end, if {@link #startOnDurableDatabase} started one. */
    void stopWithDatabase() throws IOException, InterruptedException {
        try {
            stop();
        } finally {
            if (durable != null) {
                durable.close();
            }
        }
    }

    /** HAProxy's URL. */
    URL front() throws IOException {
        return URI.create("http://127.0.0.1:" + front + "/").toURL();
    }

    /** Each instance's port, instance 1 first. */
    List<Integer> ports() throws IOException {
        return Files.readAllLines(state.resolve("ports")).stream().map(l -> Integer.parseInt(l.split(" ")[1])).toList();
    }

    /** Each instance's URL, instance 1 first. */
    List<URL> instances() throws IOException {
        List<URL> urls = new ArrayList<>();
        for (int port : ports()) {
            urls.add(URI.create("http://127.0.0.1:" + port + "/").toURL());
        }
        return urls;
    }

    /** The pid in the state directory's file of that name: an instance's or HAProxy's process group. */
    long pid(String file) throws IOException {
        return Long.parseLong(Files.readString(state.resolve(file)).trim());
    }

    /** SIGKILLs instance n's process group (the launcher and the Payara Micro JVM it runs); whether kill ran in time. */
    boolean kill(int instance) throws IOException, InterruptedException {
        long group = pid("instance-" + instance + ".pid");
        return new ProcessBuilder("kill", "-KILL", "--", "-" + group).start().waitFor(10, TimeUnit.SECONDS);
    }

    private Run run(long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("scripts/cluster"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DATABASE_URL", databaseUrl);
        builder.environment().put("CLUSTER_PORT", Integer.toString(front));
        builder.environment().put("CLUSTER_STATE", state.toString());
        builder.environment().put("XDG_CACHE_HOME", Path.of("target/launcher-cache").toAbsolutePath().toString());
        builder.environment().put("XDG_STATE_HOME", state.resolve("logs").toString());
        Process p = builder.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("scripts/cluster " + String.join(" ", args) + " did not finish in " + timeoutSeconds + " s");
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
