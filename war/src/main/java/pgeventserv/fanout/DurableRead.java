package pgeventserv.fanout;

import java.util.ArrayList;
import java.util.List;
import pgeventserv.postgres.DurableEvent;
import pgeventserv.postgres.DurableReference;

/**
 * Durable rows of one channel waiting to be read: read on another thread, released on the listener thread once it
 * and every older one are read. Either what a reference names, or a catch-up after a LISTEN outage: everything of
 * the channel after the watermark, up to the newest committed when the read runs (references never came for what
 * was committed while nothing listened). {@link #done} is the hand-over: written last by the reading thread, read
 * first by the listener thread.
 */
final class DurableRead implements Runnable {

    final Registry.Channel channel;
    /** The first position it may hold. */
    final long first;
    private final boolean catchUp;
    private final DurableReader reader;
    /** The last position it covers: known from the reference, or once a catch-up is done. */
    private long last;
    private List<DurableEvent> events = List.of();
    private boolean failed;
    private volatile boolean done;

    private DurableRead(Registry.Channel channel, long first, long last, boolean catchUp, DurableReader reader) {
        this.channel = channel;
        this.first = first;
        this.last = last;
        this.catchUp = catchUp;
        this.reader = reader;
    }

    /** What a reference names. */
    static DurableRead of(Registry.Channel channel, DurableReference reference, DurableReader reader) {
        return new DurableRead(channel, reference.first(), reference.last(), false, reader);
    }

    /** What a reference names, all of it read by earlier reads (released with them): nothing to read. */
    static DurableRead covered(Registry.Channel channel, DurableReference reference) {
        DurableRead read = new DurableRead(channel, reference.first(), reference.last(), false, null);
        read.done = true;
        return read;
    }

    /** Everything of the channel after {@code after} that is committed when the read runs. */
    static DurableRead catchUp(Registry.Channel channel, long after, DurableReader reader) {
        return new DurableRead(channel, after + 1, after, true, reader);
    }

    @Override
    public void run() {
        try {
            if (catchUp) {
                last = Math.max(last, reader.newestPosition().orElse(0));
                events = readAll(List.of(channel.name), first - 1, last);
            } else {
                events = reader.read(new DurableReference(first, last));
            }
        } catch (Exception | LinkageError e) {
            // The reader logged it (once per change); the channel's clients get a gap instead.
            failed = true;
        } finally {
            done = true;
        }
    }

    private List<DurableEvent> readAll(List<String> channels, long after, long upTo) throws Exception {
        List<DurableEvent> all = new ArrayList<>();
        for (long from = after; from < upTo; ) {
            List<DurableEvent> batch = reader.batch(channels, from, upTo);
            if (batch.isEmpty()) {
                break;
            }
            all.addAll(batch);
            from = batch.get(batch.size() - 1).position();
        }
        return all;
    }

    /** Nothing can be read: no reader, or the executor refused the work. */
    void fail() {
        failed = true;
        done = true;
    }

    boolean done() {
        return done;
    }

    /** After {@link #done()}: the last position it covers. */
    long last() {
        return last;
    }

    /** After {@link #done()}: whether the rows could not be read. */
    boolean failed() {
        return failed;
    }

    /** After {@link #done()}: the rows, in position order. */
    List<DurableEvent> events() {
        return events;
    }
}
