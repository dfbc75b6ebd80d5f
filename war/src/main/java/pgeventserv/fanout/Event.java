package pgeventserv.fanout;

/**
 * One notification as the fan-out delivers it: its channel, its payload exactly as NOTIFY sent it, and its
 * position in this server's delivery order (every channel shares one sequence). Made once on the listener thread,
 * shared by every client and kept in the channel's {@link History}; never changed.
 */
public final class Event {

    private final long position;
    private final String channel;
    private final String payload;
    private final int bytes;
    private final long receivedNanos;
    private final EventIds ids;
    // Made on first use, by whichever thread asks first; a String is safely shared even when raced for.
    private String id;

    public Event(long position, String channel, String payload, long receivedNanos, EventIds ids) {
        this.position = position;
        this.channel = channel;
        this.payload = payload;
        this.bytes = Frame.utf8Length(payload);
        this.receivedNanos = receivedNanos;
        this.ids = ids;
    }

    public String channel() {
        return channel;
    }

    public String payload() {
        return payload;
    }

    /** The id clients present to resume after this event. */
    public String id() {
        String i = id;
        if (i == null) {
            id = i = ids.id(position);
        }
        return i;
    }

    long position() {
        return position;
    }

    /** The payload's UTF-8 size. */
    int bytes() {
        return bytes;
    }

    long receivedNanos() {
        return receivedNanos;
    }
}
