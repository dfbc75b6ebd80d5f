package pgeventserv.fanout;

/**
 * One notification as the fan-out delivers it: its channel, its payload exactly as NOTIFY sent it (or, for a
 * durable event, as {@code publish} stored it), and its position in this server's delivery order
 * (every channel shares one sequence). A durable event also has its global position in the table; a plain one the
 * durable watermark when it was delivered. Made once on the listener thread, shared by every client and kept in
 * the channel's {@link History}; never changed.
 */
public final class Event {

    private final long position;
    private final String channel;
    private final String payload;
    private final int bytes;
    private final long receivedNanos;
    private final EventIds ids;
    private final long durablePosition;
    private final long watermark;
    // Made on first use, by whichever thread asks first; a String is safely shared even when raced for.
    private String id;

    public Event(long position, String channel, String payload, long receivedNanos, EventIds ids) {
        this(position, channel, payload, receivedNanos, ids, 0, EventIds.UNKNOWN);
    }

    /**
     * @param durablePosition the event's position in the durable events' table; 0 for a plain notification
     * @param watermark       for a plain one, the durable watermark at its delivery; negative when durable events are off
     */
    Event(long position, String channel, String payload, long receivedNanos, EventIds ids, long durablePosition,
            long watermark) {
        this.durablePosition = durablePosition;
        this.watermark = watermark;
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
            id = i = durablePosition > 0 ? EventIds.durableId(durablePosition) : ids.id(position, watermark);
        }
        return i;
    }

    long position() {
        return position;
    }

    /** Its position in the durable events' table; 0 for a plain notification. */
    public long durablePosition() {
        return durablePosition;
    }

    /** The payload's UTF-8 size. */
    int bytes() {
        return bytes;
    }

    long receivedNanos() {
        return receivedNanos;
    }
}
