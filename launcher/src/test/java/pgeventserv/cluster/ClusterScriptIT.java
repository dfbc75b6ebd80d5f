package pgeventserv.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import pgeventserv.Eventually;
import pgeventserv.Scrape;
import pgeventserv.TestDatabase;
import pgeventserv.WebSocketClient;

/**
 * scripts/cluster in its non-interactive mode: two instances of the jar behind HAProxy, clients spread round
 * robin, a SIGKILLed instance's clients cut off while new clients land on the survivor, and --stop ending it all.
 */
class ClusterScriptIT {

    private static final ClusterScript CLUSTER = new ClusterScript(Path.of("target/cluster-it").toAbsolutePath());
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int FRONT = CLUSTER.front;

    @AfterAll
    static void stopCluster() throws Exception {
        CLUSTER.stop();
    }

    @Test
    void twoInstancesShareTheClientsAndTheSurvivorTakesNewOnesAfterOneIsKilled() throws Exception {
        ClusterScript.Run started = CLUSTER.start(2, TestDatabase.URL);
        assertEquals(0, started.exit(), started.output());
        String url = "http://127.0.0.1:" + FRONT + "/";
        assertTrue(started.output().contains("2 instances") && started.output().contains(url), started.output());
        List<Integer> ports = CLUSTER.ports();
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

            assertTrue(CLUSTER.kill(1));
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
            ProcessHandle leader = ProcessHandle.of(CLUSTER.pid(name)).orElseThrow();
            processes.add(leader);
            leader.descendants().forEach(processes::add);
        }
        assertTrue(processes.size() >= 4, "the launcher, its Payara Micro, HAProxy's master and worker: " + processes);
        ClusterScript.Run stopped = CLUSTER.stop();
        assertEquals(0, stopped.exit(), stopped.output());
        for (ProcessHandle process : processes) {
            assertFalse(process.isAlive(), "process " + process.pid() + " stopped");
        }
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", FRONT).close());
    }
}
