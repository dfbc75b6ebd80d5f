package pgeventserv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LatenciesTest {

    private static Latencies of(long... samples) {
        Latencies l = new Latencies(samples.length);
        for (long s : samples) {
            l.add(s);
        }
        return l;
    }

    @Test
    void nearestRankOfOneToHundred() {
        Latencies l = new Latencies(100);
        for (long i = 100; i >= 1; i--) {
            l.add(i);
        }
        assertEquals(new Latencies.Summary(100, 50, 99, 100), l.summary());
    }

    @Test
    void nearestRankIsNeverOneRankHigh() {
        // 0.99 * 100 is 99.00000000000001 in doubles: a ceil there would pick rank 100.
        long[] sorted = new long[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = i + 1;
        }
        assertEquals(99, Latencies.percentile(sorted, 99));
        long[] thousand = new long[1000];
        for (int i = 0; i < 1000; i++) {
            thousand[i] = i + 1;
        }
        assertEquals(990, Latencies.percentile(thousand, 99));
        assertEquals(500, Latencies.percentile(thousand, 50));
    }

    @Test
    void smallSamplesRoundUpToTheNextRank() {
        assertEquals(new Latencies.Summary(1, 7, 7, 7), of(7).summary());
        assertEquals(new Latencies.Summary(3, 20, 30, 30), of(30, 10, 20).summary());
        assertEquals(new Latencies.Summary(2, 1, 5, 5), of(5, 1).summary());
    }

    @Test
    void oneOutlierInAHundredShowsOnlyAtMaxButInNinetyNineItIsThePercentile() {
        long[] hundred = new long[100];
        java.util.Arrays.fill(hundred, 200);
        hundred[42] = 90_000;
        assertEquals(new Latencies.Summary(100, 200, 200, 90_000), of(hundred).summary());
        long[] ninetyNine = java.util.Arrays.copyOf(hundred, 99);
        assertEquals(new Latencies.Summary(99, 200, 90_000, 90_000), of(ninetyNine).summary());
    }

    @Test
    void emptyHasNoPercentiles() {
        assertEquals(new Latencies.Summary(0, -1, -1, -1), new Latencies(10).summary());
        assertThrows(IllegalArgumentException.class, () -> Latencies.percentile(new long[0], 50));
        assertThrows(IllegalArgumentException.class, () -> Latencies.percentile(new long[] {1}, 0));
    }

    @Test
    void samplesBeyondCapacityAreCountedNotKept() {
        Latencies l = new Latencies(2);
        l.add(1);
        l.add(2);
        l.add(3);
        assertEquals(2, l.size());
        assertEquals(1, l.overflow());
    }

    @Test
    void mergeKeepsEverySampleOfEveryThread() {
        Latencies merged = Latencies.merge(of(5, 1), of(3), new Latencies(4));
        assertEquals(new Latencies.Summary(3, 3, 5, 5), merged.summary());
    }
}
