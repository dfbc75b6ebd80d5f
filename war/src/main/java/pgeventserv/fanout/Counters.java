package pgeventserv.fanout;

import java.util.concurrent.atomic.LongAdder;

/** The fan-out's running totals for {@code /metrics}: added where they happen, read when scraped. */
public final class Counters {

    private final LongAdder sent = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder closedSlow = new LongAdder();
    private final LongAdder durableReleased = new LongAdder();
    private final LongAdder resumeReads = new LongAdder();
    private final LongAdder referencesIgnored = new LongAdder();
    private final LongAdder durableGaps = new LongAdder();

    void sent(int messages) {
        sent.add(messages);
    }

    void closedSlow(int droppedMessages) {
        closedSlow.increment();
        dropped.add(droppedMessages);
    }

    void durableReleased(int events) {
        durableReleased.add(events);
    }

    void resumeRead() {
        resumeReads.increment();
    }

    void referenceIgnored() {
        referencesIgnored.increment();
    }

    void durableGap() {
        durableGaps.increment();
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

    /** Durable events read from the table and released to their channel's clients (once each, whatever the clients). */
    public long durableReleased() {
        return durableReleased.sum();
    }

    /** Resumes that read the table: history could not vouch for what the client had. */
    public long resumeReads() {
        return resumeReads.sum();
    }

    /**
     * Durable hints that named nothing real (forged, absurd, or another channel's rows) or came while durable events
     * are off: nothing was delivered for them.
     */
    public long referencesIgnored() {
        return referencesIgnored.sum();
    }

    /** Durable reads given up (failed, or not back in time): their channels' clients were told of a gap. */
    public long durableGaps() {
        return durableGaps.sum();
    }
}
