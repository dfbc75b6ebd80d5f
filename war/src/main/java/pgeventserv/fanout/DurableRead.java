package pgeventserv.fanout;

import java.util.List;
import pgeventserv.postgres.DurableEvent;
import pgeventserv.postgres.DurableReference;

/**
 * A durable reference waiting for its rows: read on another thread, released on the listener thread once it and
 * every older one are read. {@link #done} is the hand-over: written last by the reading thread, read first by the
 * listener thread.
 */
final class DurableRead implements Runnable {

    final Registry.Channel channel;
    final DurableReference reference;
    private final DurableReader reader;
    private List<DurableEvent> events = List.of();
    private boolean failed;
    private volatile boolean done;

    DurableRead(Registry.Channel channel, DurableReference reference, DurableReader reader) {
        this.channel = channel;
        this.reference = reference;
        this.reader = reader;
    }

    @Override
    public void run() {
        try {
            events = reader.read(channel.name, reference);
        } catch (Exception | LinkageError e) {
            // The reader logged it (once per change); the channel's clients get a gap instead.
            failed = true;
        } finally {
            done = true;
        }
    }

    /** Nothing can be read: no reader, or the executor refused the work. */
    void fail() {
        failed = true;
        done = true;
    }

    boolean done() {
        return done;
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
