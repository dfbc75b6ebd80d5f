package pgeventserv.fanout;

import java.util.List;

/**
 * Durable rows the {@link DurableSequencer} waits for: read on another thread, released on the listener thread in
 * the order the reads were asked. {@link #done} is the hand-over: written last by the reading thread, read first by
 * the listener thread, which reads the rest only after it.
 */
abstract class PendingRead implements Runnable {

    /** When it was asked for, to bound how long a channel waits for it. */
    final long askedNanos;
    private List<DurableRow> rows = List.of();
    private boolean failed;
    private volatile boolean done;

    PendingRead(long askedNanos) {
        this.askedNanos = askedNanos;
    }

    /** Reads the rows; null when there is nothing to deliver (a hint that named no real transaction). */
    abstract List<DurableRow> read() throws Exception;

    /** The position everything it was asked for is read up to (after a successful read). */
    abstract long upTo();

    @Override
    public final void run() {
        try {
            rows = read();
        } catch (Exception | LinkageError e) {
            // The reader logged it; the clients concerned get a gap instead.
            failed = true;
        } finally {
            done = true;
        }
    }

    /** Nothing can be read: the executor refused the work. */
    final void refuse() {
        failed = true;
        done = true;
    }

    final boolean done() {
        return done;
    }

    /** After {@link #done()}: the rows could not be read. */
    final boolean failed() {
        return failed;
    }

    /** After {@link #done()}: the rows, in position order; null when the hint named no real transaction. */
    final List<DurableRow> rows() {
        return rows;
    }
}
