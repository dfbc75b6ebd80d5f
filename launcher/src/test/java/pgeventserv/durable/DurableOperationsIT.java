package pgeventserv.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import pgeventserv.DurableDatabase;
import pgeventserv.EventStreamClient;
import pgeventserv.EventStreamClient.Event;
import pgeventserv.Eventually;
import pgeventserv.LaunchedServer;
import pgeventserv.Scrape;
import pgeventserv.SilentProxy;

/**
 * Durable events as an operator sees them: their figures on /metrics, and the pooled connections they read on
 * when the network silently drops them. The server's pool reaches the private cluster through a
 * {@link SilentProxy}, and holds two connections ({@code DbPoolMaxConns = 2}): the LISTEN connection and the one
 * durable reads may use.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DurableOperationsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** A read on a dead connection fails after the 30 s network timeout; then it runs again on a new one. */
    private static final Duration RECOVER = Duration.ofSeconds(75);

    static DurableDatabase db;
    static SilentProxy proxy;
    static LaunchedServer server;

    @BeforeAll
    static void boot() throws Exception {
        db = DurableDatabase.start();
        db.installFresh();
        URI direct = URI.create(db.url());
        proxy = new SilentProxy(direct.getHost(), direct.getPort());
        String throughProxy = "postgresql://" + direct.getRawUserInfo() + "@127.0.0.1:" + proxy.port() + direct.getRawPath();
        server = LaunchedServer.onLoopback("durable-operations", throughProxy,
                Map.of("Channels", "it*", "DbPoolMaxConns", "2", "Debug", "true"));
        Eventually.within(WAIT, "ready", () -> server.get("/health/ready").status() == 200);
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (server != null) {
            server.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private static EventStreamClient stream(String channel, String... headers) throws Exception {
        EventStreamClient client = EventStreamClient.open(server.base(), "/listen/" + channel, headers);
        assertEquals(200, client.status(), client.head() + "\n" + client.refusal());
        return client;
    }

    private static void publish(String channel, String payload) throws Exception {
        try (Connection c = db.connect()) {
            DurableDatabase.publish(c, channel, payload);
        }
    }

    private static void notify(String channel, String payload) throws Exception {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            s.setString(1, channel);
            s.setString(2, payload);
            s.execute();
        }
    }

    private static double metric(String name) throws Exception {
        return Scrape.metric(server.base(), name);
    }

    @Test
    @Order(1)
    void metricsCountDurableEventsDeliveredTableReadsAndResumeReads() throws Exception {
        double readsBefore = metric("pg_eventserv_durable_table_reads");
        String lastId;
        try (EventStreamClient a = stream("it_metrics"); EventStreamClient b = stream("it_metrics")) {
            for (int i = 1; i <= 3; i++) {
                publish("it_metrics", "durable " + i);
            }
            assertEquals(List.of("durable 1", "durable 2", "durable 3"), a.take(3, WAIT).stream().map(Event::data).toList());
            List<Event> got = b.take(3, WAIT);
            lastId = got.get(0).id();
        }
        assertEquals(3, metric("pg_eventserv_durable_events_delivered"), "once each, not once per client");
        assertTrue(metric("pg_eventserv_durable_table_reads") > readsBefore);
        assertTrue(metric("pg_eventserv_durable_rows_read") >= 3);
        assertEquals(0, metric("pg_eventserv_durable_table_read_failures"));
        assertEquals(1, metric("pg_eventserv_durable_table_reachable"));
        assertEquals(0, metric("pg_eventserv_durable_resume_reads"));

        // A plain id of another instance (run "elsewhere") carrying watermark 1: history cannot vouch for it, so
        // the plain notifications it may have missed are a gap, and the durable ones after 1 come from the table.
        assertTrue(lastId.startsWith("d"), lastId);
        try (EventStreamClient back = stream("it_metrics", "Last-Event-ID: elsewhere.9.1")) {
            List<Event> got = back.take(3, WAIT);
            assertEquals("gap", got.get(0).type(), got.toString());
            assertEquals(List.of("durable 2", "durable 3"), got.subList(1, 3).stream().map(Event::data).toList());
        }
        assertEquals(1, metric("pg_eventserv_durable_resume_reads"));
        assertEquals(3, metric("pg_eventserv_durable_events_delivered"), "a resume's rows go to its client only");
    }

    @Test
    @Order(2)
    void aPooledConnectionSilentlyCutCostsADelayNotAGapNorAStall() throws Exception {
        try (EventStreamClient client = stream("it_cut")) {
            publish("it_cut", "before");
            assertEquals("before", client.next(WAIT).data());
            int open = proxy.opened();
            assertTrue(open >= 2, "the LISTEN connection and the durable reads' connection: " + open);
            // The network drops the idle pooled connections and comes back; the LISTEN connection (the first
            // opened) is spared, so nothing but the next read meets the dead path.
            proxy.cutAllBut(1);
            double failuresBefore = metric("pg_eventserv_durable_table_read_failures");
            publish("it_cut", "during");
            notify("it_cut", "plain, after it");
            publish("it_cut", "after");
            List<Event> got = client.take(3, RECOVER);
            assertEquals(List.of("during", "plain, after it", "after"), got.stream().map(Event::data).toList(),
                    "no gap: the read ran again on a new connection");
            assertEquals(failuresBefore, metric("pg_eventserv_durable_table_read_failures"),
                    "the read that met the dead connection succeeded on its second attempt");
            assertTrue(proxy.opened() > open, "a new connection replaced the dead one");
        }
        assertFalse(server.log().contains("LISTEN connection lost"), "the cut spared the LISTEN connection");
        assertEquals(200, server.get("/health/ready").status());
    }

    @Test
    @Order(3)
    void aTableDroppedWhileServingShowsAsAReadFailureAndUnreachable() throws Exception {
        try (EventStreamClient client = stream("it_dropped")) {
            // The server has read the table for this channel before it goes: a hint it cannot read now is a gap.
            // (While the table is known to be absent, hints are ignored instead: nothing to read, nothing to lose.)
            publish("it_dropped", "before the drop");
            assertEquals("before the drop", client.next(WAIT).data());
            db.execute("DROP SCHEMA eventserv CASCADE");
            // What publish would have sent: the reference of a row the server can no longer read.
            notify("it_dropped", "\u001Epg_eventserv durable 1000-1000");
            notify("it_dropped", "plain still works");
            Event gap = client.next(WAIT);
            assertEquals("gap", gap.type(), gap.toString());
            assertEquals("plain still works", client.next(WAIT).data());
        }
        assertTrue(metric("pg_eventserv_durable_table_read_failures") >= 1);
        assertEquals(0, metric("pg_eventserv_durable_table_reachable"));
        db.installFresh();
    }
}
