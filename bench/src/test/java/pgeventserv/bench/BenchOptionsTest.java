package pgeventserv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

    private static BenchOptions parse(Map<String, String> env, String... args) {
        return BenchOptions.parse(args, env, Path.of("/repo"));
    }

    @Test
    void defaultsAreTheIssuesScenario() {
        BenchOptions o = parse(Map.of());
        assertEquals(List.of(1, 100, 1000), o.fanOutClients());
        assertEquals(100, o.latencyClients());
        assertEquals(1000, o.latencyRate());
        assertEquals(10_000, o.idleSessions());
        assertEquals(40, o.payloadBytes());
        assertEquals(BenchOptions.DEFAULT_DATABASE, o.databaseUrl());
        assertEquals(Path.of("/repo/target/bench"), o.outputDirectory());
        assertEquals(Path.of("/repo/target/pg_eventserv.jar"), o.launcherJar());
    }

    @Test
    void databaseUrlFromTheEnvironmentUnlessGiven() {
        assertEquals("postgresql://a@b/c", parse(Map.of("DATABASE_URL", "postgresql://a@b/c")).databaseUrl());
        assertEquals("postgresql://x@y/z",
                parse(Map.of("DATABASE_URL", "postgresql://a@b/c"), "--database", "postgresql://x@y/z").databaseUrl());
    }

    @Test
    void quickShrinksEveryPhaseAndLaterOptionsStillWin() {
        BenchOptions o = parse(Map.of(), "--quick", "--duration", "5");
        assertEquals(List.of(1, 10, 100), o.fanOutClients());
        assertEquals(5, o.durationSeconds());
        assertEquals(1000, o.idleSessions());
        assertTrue(o.warmupSeconds() <= 1);
    }

    @Test
    void labelNamesTheRunAndMustBeAFileNamePart() {
        assertEquals("coalesced-writes", parse(Map.of(), "--label", "coalesced-writes").label());
        assertEquals(null, parse(Map.of()).label());
        assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), "--label", "../x"));
    }

    @Test
    void mostSessionsCoversEveryPhase() {
        assertEquals(10_000, parse(Map.of()).mostSessions());
        assertEquals(3000, parse(Map.of(), "--idle", "0", "--clients", "1,3000").mostSessions());
    }

    @Test
    void badArgumentsAreRefusedWithTheirName() {
        assertEquals("--clients wants a whole number from 1 to 20000, not 'x'",
                assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), "--clients", "1,x")).getMessage());
        assertEquals("--payload wants a whole number from 32 to 7999, not '10'",
                assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), "--payload", "10")).getMessage());
        assertEquals("--duration needs a value",
                assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), "--duration")).getMessage());
        assertEquals("unknown option '--fast'",
                assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), "--fast", "1")).getMessage());
        assertEquals("unknown argument 'now'",
                assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), "now")).getMessage());
    }

    @Test
    void producerBacklogStaysUnderTheServersQueueBound() {
        for (int clients : new int[] {1, 100, 1000, 10_000}) {
            long bound = Bench.maxBacklog(clients);
            assertTrue(bound <= 5_000 && bound >= 1_000, clients + " clients: bound " + bound);
        }
    }

    @Test
    void ceilingClientReadsTheSendTimeOfAPayload() {
        assertEquals(1732612345678901L, CeilingClient.sentMicros("1732612345678901 5 xxxx"));
        assertEquals(-1, CeilingClient.sentMicros("hello"));
    }

    @Test
    void chartLatencyLabelsStayShort() {
        assertEquals("0.100", Chart.shortMillis(0.1));
        assertEquals("1.30", Chart.shortMillis(1.3));
        assertEquals("32.7", Chart.shortMillis(32.74));
        assertEquals("358", Chart.shortMillis(357.8));
        assertEquals("3.6 s", Chart.shortMillis(3577.5));
        assertEquals("36 s", Chart.shortMillis(35_777.5));
    }

    @Test
    void chartRatesStayShort() {
        assertEquals("7.75 M", Chart.compact(7_754_711));
        assertEquals("442 k", Chart.compact(442_181));
        assertEquals("9,999", Chart.compact(9_999));
    }

    @Test
    void chartAxisEndsOnRoundNumbers() {
        assertEquals(200_000, Chart.niceCeiling(123_456));
        assertEquals(500, Chart.niceCeiling(201));
        assertEquals(10, Chart.niceCeiling(10));
        assertEquals(1, Chart.niceCeiling(0.7));
    }
}
