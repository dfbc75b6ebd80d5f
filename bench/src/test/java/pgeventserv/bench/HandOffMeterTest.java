package pgeventserv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HandOffMeterTest {

    private static final String METRICS = """
            # TYPE pg_eventserv_listener_handoffs gauge
            pg_eventserv_listener_handoffs{mp_scope="application"} 1000.0
            # TYPE pg_eventserv_listener_handoff_seconds gauge
            pg_eventserv_listener_handoff_seconds{mp_scope="application"} 2.5
            pg_eventserv_frames_sent{mp_scope="application"} 100000.0
            pg_eventserv_notifications_received 2000.0
            pg_eventserv_sessions_open{mp_scope="application"} 100.0
            """;

    @Test
    void readsTheListenersHandOffsFramesAndNotifications() {
        HandOffMeter.HandOffs h = HandOffMeter.parse(METRICS);
        assertEquals(1000, h.count());
        assertEquals(2.5, h.seconds(), 1e-9);
        assertEquals(100_000, h.frames());
        assertEquals(2000, h.notifications());
    }

    @Test
    void aWindowGivesTheMeanHandOffTheCostOfAWriteAndHowBusyTheThreadWas() {
        HandOffMeter.HandOffs start = new HandOffMeter.HandOffs(1000, 2.5, 100_000, 2000, -1, 0);
        HandOffMeter.HandOffs end = new HandOffMeter.HandOffs(6000, 12.5, 1_100_000, 12_000, -1, 0);
        HandOffMeter.HandOffs window = end.minus(start, 10);
        assertTrue(window.known());
        assertEquals(2.0, window.meanMillis(), 1e-9);
        assertEquals(20.0, window.microsPerWrite(100), 1e-9);
        assertEquals(2.0, window.notificationsPerHandOff(), 1e-9);
        assertEquals(1.0, window.busy(), 1e-9);
    }

    @Test
    void withWriterThreadsAWriteCostsTheHandOffOverTheListenersShareOfTheClients() {
        HandOffMeter.HandOffs start = HandOffMeter.parse(METRICS + "pg_eventserv_writer_threads 1.0\n");
        assertEquals(1, start.writerThreads());
        HandOffMeter.HandOffs window = new HandOffMeter.HandOffs(6000, 12.5, 1_100_000, 12_000, -1, 1).minus(start, 10);
        assertEquals(50, window.listenerClients(100));
        assertEquals(40.0, window.microsPerWrite(100), 1e-9);
        assertEquals(34, new HandOffMeter.HandOffs(1, 1, 1, 1, 1, 2).listenerClients(100));
        assertEquals(0, HandOffMeter.parse(METRICS).writerThreads(), "a build without writer threads");
    }

    @Test
    void aServerWithoutTheMetricsGivesNoFigures() {
        assertFalse(HandOffMeter.parse("pg_eventserv_frames_sent 10.0\n").known());
        assertFalse(HandOffMeter.parse("").minus(HandOffMeter.parse(METRICS), 10).known());
    }
}
