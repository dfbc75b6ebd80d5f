package pgeventserv.fanout;

/**
 * This server's delivery order: every event gets the next position of one sequence for all channels, in the order
 * it is delivered, and the time of the poll that brought it. A plain event also carries the durable watermark of
 * that moment, so its id tells any server which durable events came before it.
 *
 * <p>Listener thread only.
 */
final class Sequence {

    private final EventIds ids;
    private final Watermark watermark;
    private long position;
    private long pollNanos;

    Sequence(EventIds ids, Watermark watermark) {
        this.ids = ids;
        this.watermark = watermark;
    }

    /** A plain notification, delivered now. */
    Event plain(String channel, String payload) {
        return new Event(++position, channel, payload, time(), ids, 0, watermark.get());
    }

    /** A durable event released now. */
    Event durable(String channel, DurableRow row) {
        return new Event(++position, channel, row.payload(), time(), ids, row.position(), watermark.get());
    }

    /** A durable event read for one resuming client: it has no place in this server's delivery order. */
    Event stored(DurableRow row) {
        return new Event(0, row.channel(), row.payload(), time(), ids, row.position(), watermark.get());
    }

    /** The position of the last event delivered. */
    long position() {
        return position;
    }

    EventIds ids() {
        return ids;
    }

    /** The current poll's time, read once per poll. */
    long time() {
        if (pollNanos == 0) {
            pollNanos = System.nanoTime();
        }
        return pollNanos;
    }

    /** The next event belongs to the next poll. */
    void pollEnded() {
        pollNanos = 0;
    }
}
