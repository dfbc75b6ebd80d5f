package pgeventserv.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import pgeventserv.Eventually;
import pgeventserv.LaunchedServer;
import pgeventserv.Scrape;
import pgeventserv.TestDatabase;
import pgeventserv.WebSocketClient;

/**
 * scripts/cluster in its non-interactive mode: two instances of the jar behind HAProxy, clients spread round
 * robin, a SIGKILLed instance's clients cut off while new clients land on the survivor, and --stop ending it all.
 */
class ClusterScriptIT {

    private static final Path STATE = Path.of("target/cluster-it").toAbsolutePath();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int FRONT = LaunchedServer.freePort();

    @AfterAll
    static void stopCluster() throws Exception {
        cluster(60, "--stop");
    }

    @Test
    void twoInstancesShareTheClientsAndTheSurvivorTakesNewOnesAfterOneIsKilled() throws Exception {
        Run started = cluster(400, "--background", "2");
        assertEquals(0, started.exit(), started.output());
        String url = "http://127.0.0.1:" + FRONT + "/";
        assertTrue(started.output().contains("2 instances") && started.output().contains(url), started.output());
        List<Integer> ports = Files.readAllLines(STATE.resolve("ports")).stream().map(l -> Integer.parseInt(l.split(" ")[1])).toList();
        assertEquals(2, ports.size());

        String channel = TestDatabase.uniqueChannel("it_cluster");
        URI listen = URI.create("ws://127.0.0.1:" + FRONT + "/listen/" + channel);
        try (TestDatabase db = new TestDatabase();
             WebSocketClient first = WebSocketClient.connect(listen);
             WebSocketClient second = WebSocketClient.connect(listen)) {
            for (int port : ports) {
                URL instance = URI.create("http://127.0.0.1:" + port + "/").toURL();
                Eventually.within(WAIT, "one client on the instance at " + port,
                        () -> Scrape.metric(instance, "pg_eventserv_sessions_open") == 1);
            }
            db.notify(channel, "to both");
            assertEquals("to both", first.next(WAIT));
            assertEquals("to both", second.next(WAIT));

            // The instance's process group: the launcher and the Payara Micro JVM it runs.
            long killed = Long.parseLong(Files.readString(STATE.resolve("instance-1.pid")).trim());
            assertTrue(new ProcessBuilder("kill", "-KILL", "--", "-" + killed).start().waitFor(10, TimeUnit.SECONDS));
            Eventually.within(WAIT, "the killed instance's client is cut off", () -> first.isClosed() != second.isClosed());
            WebSocketClient survivor = first.isClosed() ? second : first;
            try (WebSocketClient late = WebSocketClient.connect(listen)) {
                db.notify(channel, "after the loss");
                assertEquals("after the loss", late.next(WAIT));
                assertEquals("after the loss", survivor.next(WAIT));
            }
        }

        List<ProcessHandle> processes = new ArrayList<>();
        for (String name : List.of("instance-2.pid", "haproxy.pid")) {
            ProcessHandle leader = ProcessHandle.of(Long.parseLong(Files.readString(STATE.resolve(name)).trim())).orElseThrow();
            processes.add(leader);
            leader.descendants().forEach(processes::add);
        }
        assertTrue(processes.size() >= 4, "the launcher, its Payara Micro, HAProxy's master and worker: " + processes);
        Run stopped = cluster(60, "--stop");
        assertEquals(0, stopped.exit(), stopped.output());
        for (ProcessHandle process : processes) {
            assertFalse(process.isAlive(), "process " + process.pid() + " stopped");
        }
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", FRONT).close());
    }

    private record Run(int exit, String output) {
    }

    private static Run cluster(long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("scripts/cluster"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DATABASE_URL", TestDatabase.URL);
        builder.environment().put("CLUSTER_PORT", Integer.toString(FRONT));
        builder.environment().put("CLUSTER_STATE", STATE.toString());
        builder.environment().put("XDG_CACHE_HOME", Path.of("target/launcher-cache").toAbsolutePath().toString());
        builder.environment().put("XDG_STATE_HOME", STATE.resolve("logs").toString());
        Process p = builder.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("scripts/cluster " + String.join(" ", args) + " did not finish in " + timeoutSeconds + " s");
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
