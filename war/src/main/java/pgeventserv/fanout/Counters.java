package pgeventserv.fanout;

import java.util.concurrent.atomic.LongAdder;

/** The fan-out's running totals for {@code /metrics}: added where they happen, read when scraped. */
public final class Counters {

    private final LongAdder sent = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder closedSlow = new LongAdder();

    void sent(int messages) {
        sent.add(messages);
    }

    void closedSlow(int droppedMessages) {
        closedSlow.increment();
        dropped.add(droppedMessages);
    }

    /** Messages handed to client connections. */
    public long sent() {
        return sent.sum();
    }

    /** Messages discarded with the queues of clients closed as too slow. */
    public long dropped() {
        return dropped.sum();
    }

    public long closedSlow() {
        return closedSlow.sum();
    }
}
