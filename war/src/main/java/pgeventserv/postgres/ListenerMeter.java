package pgeventserv.postgres;

/**
 * The listener's figures for {@code /metrics}: notifications received, and hand-offs, the polls that brought
 * notifications for clients with the time from the poll's return to the end of its writes to every client. What a
 * notification waits for, on average, is about one hand-off (docs/benchmarks.md): two clock reads a poll, never
 * per notification or per client.
 *
 * <p>Written by the listener thread only; volatile so that metrics read them from other threads.
 */
final class ListenerMeter {

    private volatile long received;
    private volatile long handOffs;
    private volatile long handOffNanos;

    void received(int notifications) {
        received += notifications;
    }

    void handedOff(long nanos) {
        handOffs++;
        handOffNanos += nanos;
    }

    long received() {
        return received;
    }

    long handOffs() {
        return handOffs;
    }

    long handOffNanos() {
        return handOffNanos;
    }
}
