package pgeventserv.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {

    private static final CpuMeter.Share CPU = new CpuMeter.Share(50, 20, 20, 30, 120);

    private static Results results() {
        Results r = new Results();
        r.latency.add(new Results.Latency("ceiling: pgjdbc LISTEN", true, 1, 1_000, new Latencies.Summary(10_000, 1_500, 4_000, 9_000),
                0, 0, null, CPU, GcMeter.Collections.UNKNOWN, HandOffMeter.HandOffs.UNKNOWN));
        // 2,500 hand-offs of 2 ms each in a 10 s window: 100 clients, 20 us a write.
        r.latency.add(new Results.Latency(Bench.OURS, false, 100, 1_000, new Latencies.Summary(1_000_000, 3_700, 7_500, 12_000),
                0, 0, null, CPU, new GcMeter.Collections(0, 0), new HandOffMeter.HandOffs(2_500, 5.0, 1_000_000, 10_000, 10, 0)));
        r.socketWriteMicros = 10.0;
        r.memory.add(new Results.Memory(Bench.OURS, 10_000, 100_000_000, 390_000_000, 500_000_000, 1_200_000_000, 0, null,
                Map.of(HeapHistogram.HTTP, 12_000.0), -1));
        return r;
    }

    @Test
    void aMissedMedianSaysWhyFromTheListenersHandOffsAndThePlainSocketOfTheSameRun() {
        String table = new Report(results()).table();
        assertTrue(table.contains("100 x 1,000/s p50 <= ceiling p50 + 0.3 ms            NOT MET  3.70 ms against 1.80 ms"), table);
        assertTrue(table.contains("a hand-off took 2.00 ms on average (20.0 us a client write, 4.0 notifications a poll),"
                + " the thread busy 50 % of the window"), table);
        assertTrue(table.contains("of the relay's 20.0 us, 10.0 us are above the socket as the plain client writes it"), table);
        assertTrue(table.contains("what it would take: hand-offs of 0.30 ms, 3.0 us a client write; below the plain socket's 10.0 us"), table);
    }

    @Test
    void aMissedTailSaysHowManyHandOffsItIs() {
        String table = new Report(results()).table();
        assertTrue(table.contains("the p99 is the ceiling's (4.00 ms) plus 1.8 mean hand-offs"), table);
    }

    /** Ours and the original at 100 x 100/s and 100 x 1,000/s, and their RSS per idle session. */
    private static Results againstTheOriginal(long ourP50At100) {
        Results r = new Results();
        r.latency.add(new Results.Latency(Bench.OURS, false, 100, 100, new Latencies.Summary(100_000, ourP50At100, 9_000, 20_000),
                0, 0, null, CPU, new GcMeter.Collections(0, 0), new HandOffMeter.HandOffs(1_000, 1.0, 2_000_000, 10_000, 10, 0)));
        r.latency.add(new Results.Latency(Bench.TARGET, false, 100, 100, new Latencies.Summary(100_000, 2_000, 8_000, 20_000),
                0, 0, null, CPU, GcMeter.Collections.UNKNOWN, HandOffMeter.HandOffs.UNKNOWN));
        r.latency.add(new Results.Latency(Bench.OURS, false, 100, 1_000, new Latencies.Summary(1_000_000, 3_000, 9_000, 20_000),
                0, 0, null, CPU, new GcMeter.Collections(0, 0), HandOffMeter.HandOffs.UNKNOWN));
        r.latency.add(new Results.Latency(Bench.TARGET, false, 100, 1_000, new Latencies.Summary(1_000_000, 10_000, 70_000, 90_000),
                0, 0, null, CPU, GcMeter.Collections.UNKNOWN, HandOffMeter.HandOffs.UNKNOWN));
        r.socketWriteMicros = 6.0;
        r.memory.add(new Results.Memory(Bench.OURS, 10_000, 100_000_000, 300_000_000, 500_000_000, 800_000_000, 0, null, Map.of(), -1));
        r.memory.add(new Results.Memory(Bench.TARGET, 10_000, -1, -1, 10_000_000, 300_000_000, 0, null, Map.of(), -1));
        return r;
    }

    @Test
    void againstTheOriginalEachTargetIsMetOrSaysByHowMuchAndWhy() {
        String table = new Report(againstTheOriginal(4_000)).table();
        assertTrue(table.contains("Targets against --target (issue 28), this run"), table);
        assertTrue(table.contains("100 x 100/s p50 <= --target's                        NOT MET  4.00 ms against 2.00 ms (+2.00 ms, 2.00x)"),
                table);
        assertTrue(table.contains("100 x 100/s p99 <= --target's                        NOT MET  9.00 ms against 8.00 ms"), table);
        assertTrue(table.contains("a hand-off (the listener thread writing 100 clients in turn) took 1.00 ms on average"
                + " (10.0 us a client write, the plain socket's 6.0 us); a client waits for its place in it, 0.50 ms"), table);
        assertTrue(table.contains("what it would take: more than a free hand-off: 1.50 ms of the gap are outside it"), table);
        assertTrue(table.contains("100 x 1,000/s p50 <= --target's                      met      3.00 ms against 10.00 ms"), table);
        assertTrue(table.contains("RSS per idle session <= 1.2 x --target's             met      29.3 KiB against 28.3 KiB (1.03x)"),
                table);
    }

    @Test
    void withAWriterThreadTheListenersShareIsWhatAClientWriteIsCountedOver() {
        Results r = againstTheOriginal(4_000);
        Results.Latency l = r.latency.get(0);
        r.latency.set(0, new Results.Latency(l.name(), l.ceiling(), l.clients(), l.rate(), l.summary(), l.missing(), l.errors(),
                l.note(), l.cpu(), l.gc(), new HandOffMeter.HandOffs(1_000, 1.0, 2_000_000, 10_000, 10, 1)));
        String table = new Report(r).table();
        assertTrue(table.contains("(20.0 us a client write; the listener writes 50 of the 100 clients, 1 writer thread(s) the rest"
                + " at the same time)"), table);
        assertTrue(table.contains("a hand-off (the listener thread writing 50 clients in turn, 1 writer thread(s) the others) took"
                + " 1.00 ms on average (20.0 us a client write"), table);
    }

    @Test
    void ourRssIsReportedAsTheServerRunsAndAgainOnceAFullGcHasGivenBackWhatItCan() {
        Results r = new Results();
        r.memory.add(new Results.Memory(Bench.OURS, 10_000, 100_000_000, 350_000_000, 400_000_000, 900_000_000, 0, null,
                Map.of(), 700_000_000));
        String table = new Report(r).table();
        assertTrue(table.contains("48.8 KiB per session"), table);
        assertTrue(table.contains("29.3 KiB per session (what a collection gives back; the line above is as the server runs)"),
                table);
        assertTrue(table.contains("RSS per idle session <= 28.7 KiB (the original's)    NOT MET  48.8 KiB"), table);
        assertTrue(table.contains("(29.3 KiB a session once a full GC has given back what it can)"), table);
    }

    @Test
    void aMedianBelowTheTargetsIsMet() {
        String table = new Report(againstTheOriginal(1_900)).table();
        assertTrue(table.contains("100 x 100/s p50 <= --target's                        met      1.90 ms against 2.00 ms (-0.10 ms, 0.95x)"),
                table);
    }

    @Test
    void aMissedHeapTargetSaysWhoOwnsTheSessionsBytes() {
        String table = new Report(results()).table();
        assertTrue(table.contains("live heap per idle session <= 20 KB                  NOT MET"), table);
        assertTrue(table.contains("the HTTP layer (Grizzly, Catalina, Payara's web container) 11.7 KiB"), table);
    }
}
