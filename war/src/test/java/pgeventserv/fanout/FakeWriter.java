package pgeventserv.fanout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client connection for tests. Records what it is given; in {@code holding} mode each write stays outstanding
 * (not writable) until {@link #take()}, as a client that has stopped reading. Counts writes made while a write
 * was outstanding: the fan-out must never do that.
 */
final class FakeWriter implements Writer {

    final List<String> received = Collections.synchronizedList(new ArrayList<>());
    final List<Farewell> closes = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger overlappingWrites = new AtomicInteger();
    private final Format format;
    private final boolean holding;
    private volatile boolean writable = true;
    private volatile boolean answersKeepAlive = true;

    FakeWriter(Format format, boolean holding) {
        this.format = format;
        this.holding = holding;
    }

    static FakeWriter fast() {
        return new FakeWriter(TestFormat.RAW, false);
    }

    static FakeWriter holding() {
        return new FakeWriter(TestFormat.RAW, true);
    }

    /** The format to subscribe this client with. */
    Format format() {
        return format;
    }

    @Override
    public boolean writable() {
        return writable;
    }

    @Override
    public void write(Messages messages) {
        if (!writable) {
            overlappingWrites.incrementAndGet();
        }
        for (Frame f : messages.frames()) {
            received.add(f.text());
        }
        if (holding) {
            writable = false;
        }
    }

    /** The client read the outstanding write. */
    void take() {
        writable = true;
    }

    void stopAnsweringKeepAlive() {
        answersKeepAlive = false;
    }

    @Override
    public boolean keepAlive() {
        return answersKeepAlive;
    }

    @Override
    public void close(Farewell farewell) {
        closes.add(farewell);
    }

    List<String> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }
}
