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
                0, 0, null, CPU, new GcMeter.Collections(0, 0), new HandOffMeter.HandOffs(2_500, 5.0, 1_000_000, 10_000, 10)));
        r.socketWriteMicros = 10.0;
        r.memory.add(new Results.Memory(Bench.OURS, 10_000, 100_000_000, 390_000_000, 500_000_000, 1_200_000_000, 0, null,
                Map.of(HeapHistogram.HTTP, 12_000.0)));
        return r;
    }

    @Test
    void aMissedMedianSaysWhyFromTheListenersHandOffsAndThePlainSocketOfTheSameRun() {
        String table = new Report(results()).table();
        assertTrue(table.contains("100 x 1,000/s p50 <= ceiling p50 + 0.3 ms            NOT MET  3.70 ms against 1.80 ms"), table);
        assertTrue(table.contains("a hand-off took 2.00 ms on average (20.0 us a client write, 4.0 notifications a poll),"
                + " the thread busy 50 % of the window"), table);
        assertTrue(table.contains("of the relay's 20.0 us, 10.0 us are the layers above the socket"), table);
        assertTrue(table.contains("what it would take: hand-offs of 0.30 ms, 3.0 us a client write; below the plain socket's 10.0 us"), table);
    }

    @Test
    void aMissedTailSaysHowManyHandOffsItIs() {
        String table = new Report(results()).table();
        assertTrue(table.contains("the p99 is the ceiling's (4.00 ms) plus 1.8 mean hand-offs"), table);
    }

    @Test
    void aMissedHeapTargetSaysWhoOwnsTheSessionsBytes() {
        String table = new Report(results()).table();
        assertTrue(table.contains("live heap per idle session <= 20 KB                  NOT MET"), table);
        assertTrue(table.contains("the HTTP layer (Grizzly, Catalina, Payara's web container) 11.7 KiB"), table);
    }
}
