package pgeventserv.bench;

import java.util.List;

/** Turns what each resumed event stream saw into the resume phase's row. */
final class ResumeTally {

    /** One stream after the reconnect: its count, first sequence number, order breaks and times (nanoTime). */
    record Stream(long count, long firstSequence, long outOfOrder, long requestNanos, long completedNanos) {

        static Stream of(SseConnection c) {
            return new Stream(c.count(), c.firstSequence(), c.outOfOrder(), c.requestNanos, c.completedNanos());
        }
    }

    private ResumeTally() {
    }

    /**
     * {@code clients} streams were asked for, each to receive sequence numbers {@code firstMissed} onwards,
     * {@code behind} of them; {@code streams} are the ones that opened, {@code startNanos} when the first reconnect
     * began. A stream that never opened misses all; a stream that started elsewhere than {@code firstMissed} counts
     * one order break.
     */
    static Results.Resume tally(String name, int clients, int behind, long firstMissed, long startNanos,
                                List<Stream> streams, int errors, String note) {
        Latencies reconnectToLast = new Latencies(streams.size());
        int complete = 0;
        long lastDone = 0;
        long missing = (long) (clients - streams.size()) * behind;
        long extra = 0;
        long outOfOrder = 0;
        for (Stream s : streams) {
            if (s.completedNanos() > 0) {
                complete++;
                reconnectToLast.add((s.completedNanos() - s.requestNanos()) / 1000);
                lastDone = Math.max(lastDone, s.completedNanos());
            }
            missing += Math.max(0, behind - s.count());
            extra += Math.max(0, s.count() - behind);
            outOfOrder += s.outOfOrder() + (s.count() > 0 && s.firstSequence() != firstMissed ? 1 : 0);
        }
        long allDoneMicros = complete == clients ? Math.max(1, (lastDone - startNanos) / 1000) : -1;
        double replayedPerSecond = allDoneMicros > 0 ? (double) clients * behind * 1e6 / allDoneMicros : 0;
        return new Results.Resume(name, clients, behind, complete, allDoneMicros, replayedPerSecond,
                reconnectToLast.summary(), missing, extra, outOfOrder, errors, note);
    }
}
