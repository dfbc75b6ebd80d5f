package pgeventserv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
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
        assertEquals(List.of(100, 1000), o.latencyClients());
        assertEquals(10_000, o.crowdClients());
        assertEquals(1000, o.channelCount());
        assertEquals(10, o.clientsPerChannel());
        assertEquals(EnumSet.allOf(BenchOptions.Phase.class), o.phases());
        assertNull(o.target());
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
        assertEquals(3000, parse(Map.of(), "--phases", "idle,fanout,latency", "--idle", "0", "--clients", "1,3000").mostSessions());
        assertEquals(3000 + 2 * 3001, parse(Map.of(), "--phases", "sse", "--clients", "1,3000").mostSessions());
        assertEquals(10_000 + 2 * 1101, parse(Map.of()).mostSessions());
        assertEquals(2 * BenchOptions.RESUME_CLIENTS + 1, parse(Map.of(), "--phases", "resume").mostSessions());
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

    @Test
    void phasesPickWhatRunsInTheirOwnOrder() {
        BenchOptions o = parse(Map.of(), "--phases", "latency,crowd");
        assertEquals(EnumSet.of(BenchOptions.Phase.LATENCY, BenchOptions.Phase.CROWD), o.phases());
        assertFalse(o.runs(BenchOptions.Phase.IDLE));
        assertEquals(0, o.idleSessionsToOpen());
        assertEquals("--phases: unknown phase 'speed' (idle, ceiling, fanout, sse, latency, crowd, channels, resume)",
                assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), "--phases", "fanout,speed")).getMessage());
    }

    @Test
    void mostSessionsCountsOnlyThePhasesThatRun() {
        assertEquals(1000, parse(Map.of(), "--phases", "latency").mostSessions());
        assertEquals(6000, parse(Map.of(), "--phases", "channels", "--channels", "600x10").mostSessions());
        assertEquals(10_000, parse(Map.of(), "--phases", "crowd,fanout").mostSessions());
    }

    @Test
    void channelsAreCountTimesClients() {
        BenchOptions o = parse(Map.of(), "--channels", "250x4", "--channels-rate", "500");
        assertEquals(250, o.channelCount());
        assertEquals(4, o.clientsPerChannel());
        assertEquals(500, o.channelsRate());
        assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), "--channels", "250"));
        assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), "--channels", "1000x100"));
    }

    @Test
    void targetIsAUrlWhoseListenPathIsFoundWhateverTheSpelling() {
        for (String url : new String[] {"ws://localhost:7700", "ws://localhost:7700/", "ws://localhost:7700/listen",
                "http://localhost:7700/listen/"}) {
            BenchOptions.Target t = parse(Map.of(), "--target", url).target();
            assertEquals("localhost", t.address().getHostString(), url);
            assertEquals(7700, t.address().getPort(), url);
            assertEquals("", t.pathPrefix(), url);
        }
        assertEquals("/events", parse(Map.of(), "--target", "ws://h:1/events/listen").target().pathPrefix());
        assertEquals(80, parse(Map.of(), "--target", "ws://h").target().address().getPort());
        assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), "--target", "localhost:7700"));
        assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), "--target", "ftp://h:1"));
    }

    @Test
    void latencyRatesAreAListAndFiltersRunAtTheFirst() {
        BenchOptions o = parse(Map.of(), "--latency-rate", "100,1000");
        assertEquals(List.of(100, 1000), o.latencyRates());
        assertEquals(100, o.latencyRate());
        assertEquals(List.of(1000), parse(Map.of()).latencyRates());
        assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), "--latency-rate", "100,0"));
    }

    @Test
    void theTargetRunsFirstOnlyWhenAsked() {
        assertFalse(parse(Map.of(), "--target", "ws://h:1").targetFirst());
        assertTrue(parse(Map.of(), "--target", "ws://h:1", "--target-first").targetFirst());
    }

    @Test
    void targetOptionsNeedATarget() {
        assertEquals("--target-pid goes with --target",
                assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), "--target-pid", "12")).getMessage());
        assertEquals("--only-target goes with --target",
                assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), "--only-target")).getMessage());
        assertEquals("--target-first goes with --target",
                assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), "--target-first")).getMessage());
        assertEquals(12, parse(Map.of(), "--target", "ws://h:1", "--target-pid", "12").target().pid());
    }

    @Test
    void aTargetAloneWithoutItsProcessHasNoIdlePhase() {
        assertEquals(10_000, parse(Map.of(), "--target", "ws://h:1").idleSessionsToOpen());
        assertEquals(0, parse(Map.of(), "--target", "ws://h:1", "--only-target").idleSessionsToOpen());
        assertEquals(10_000, parse(Map.of(), "--target", "ws://h:1", "--only-target", "--target-pid", "5").idleSessionsToOpen());
    }

    @Test
    void chartRowsSayWhoseServerAndWhichChannels() {
        assertEquals("100\nclients", Chart.rowLabel("pg_eventserv", "100\nclients"));
        assertEquals("100\nclients\ntarget", Chart.rowLabel("target", "100\nclients"));
        assertEquals("10 x 1,000/s\n1,000 ch", Chart.rowLabel("pg_eventserv, 1,000 ch", "10 x 1,000/s"));
    }
}
