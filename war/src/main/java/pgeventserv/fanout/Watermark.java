package pgeventserv.fanout;

/**
 * The durable watermark W: every durable event at or below it of every channel this server listens to has been
 * delivered here (or its clients were told of a gap), none above it; negative while durable events are off or none
 * has been released. Only the {@link DurableSequencer} raises it; plain events carry it in their ids.
 *
 * <p>Listener thread only.
 */
final class Watermark {

    private long value;

    Watermark(long value) {
        this.value = value;
    }

    long get() {
        return value;
    }

    void raise(long to) {
        value = Math.max(value, to);
    }
}
