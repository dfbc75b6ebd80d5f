package pgeventserv.bench;

import java.util.Arrays;

/**
 * Latency samples in microseconds, kept in a preallocated array (nothing allocated per sample; samples
 * beyond the capacity are counted, not kept), and summarised by the nearest-rank method: the p-th
 * percentile is the smallest sample with at least p % of all samples at or below it.
 *
 * <p>Not thread-safe: one recorder per receiving thread, merged once the threads have stopped.
 */
final class Latencies {

    /** p50, p99 and max in microseconds over {@code count} samples; all -1 when there were none. */
    record Summary(long count, long p50, long p99, long max) {
    }

    private final long[] samples;
    private int size;
    private long overflow;

    Latencies(int capacity) {
        samples = new long[capacity];
    }

    void add(long micros) {
        if (size < samples.length) {
            samples[size++] = micros;
        } else {
            overflow++;
        }
    }

    int size() {
        return size;
    }

    /** Samples that did not fit: a summary over the kept ones is then over the earliest samples only. */
    long overflow() {
        return overflow;
    }

    static Latencies merge(Latencies... parts) {
        int total = 0;
        long overflow = 0;
        for (Latencies p : parts) {
            total += p.size;
            overflow += p.overflow;
        }
        Latencies merged = new Latencies(total);
        for (Latencies p : parts) {
            System.arraycopy(p.samples, 0, merged.samples, merged.size, p.size);
            merged.size += p.size;
        }
        merged.overflow = overflow;
        return merged;
    }

    Summary summary() {
        if (size == 0) {
            return new Summary(0, -1, -1, -1);
        }
        long[] sorted = Arrays.copyOf(samples, size);
        Arrays.sort(sorted);
        return new Summary(size, percentile(sorted, 50), percentile(sorted, 99), sorted[size - 1]);
    }

    /** Nearest rank on sorted, non-empty samples: the value at rank ceil(p / 100 * n), 1-based. */
    static long percentile(long[] sorted, int p) {
        if (sorted.length == 0 || p <= 0 || p > 100) {
            throw new IllegalArgumentException("percentile " + p + " of " + sorted.length + " samples");
        }
        // Integer arithmetic: ceil(p * n / 100) in doubles can land one rank high (0.99 * 100 > 99).
        long rank = ((long) p * sorted.length + 99) / 100;
        return sorted[(int) rank - 1];
    }
}
