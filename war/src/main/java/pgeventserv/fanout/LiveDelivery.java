package pgeventserv.fanout;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One poll's events to the channels' members: each channel's batch is put once per format and written to every
 * member in one write; a multi-channel subscriber gets its channels' batches merged in delivery order; then the
 * batch goes into the channel's history.
 *
 * <p>Listener thread only.
 */
final class LiveDelivery {

    static final Comparator<Event> DELIVERY_ORDER = Comparator.comparingLong(Event::position);

    private final Channels channels;
    private final Watermark watermark;
    private final ArrayList<Channel> polled = new ArrayList<>();
    private final ArrayList<Subscriber> multis = new ArrayList<>();
    private long pollNumber;

    LiveDelivery(Channels channels, Watermark watermark) {
        this.channels = channels;
        this.watermark = watermark;
    }

    void add(Channel channel, Event event) {
        if (channel.batch.isEmpty()) {
            polled.add(channel);
        }
        channel.batch.add(event);
    }

    /** Events added in this poll so far. */
    int eventsThisPoll() {
        int n = 0;
        for (int i = 0; i < polled.size(); i++) {
            n += polled.get(i).batch.size();
        }
        return n;
    }

    /** The poll's batches to every member, then to history. */
    void deliver() {
        if (polled.isEmpty()) {
            return;
        }
        pollNumber++;
        for (int i = 0; i < polled.size(); i++) {
            Channel channel = polled.get(i);
            for (Subscriber member : channel.members()) {
                if (!member.multi()) {
                    if (member.durableFloor() == 0) {
                        member.outbox().deliver(channel.batch.messages(member.format()));
                    } else {
                        deliverAboveFloor(member, channel.batch.events());
                    }
                } else if (member.collect(pollNumber)) {
                    multis.add(member);
                }
            }
        }
        for (int i = 0; i < multis.size(); i++) {
            deliverMerged(multis.get(i));
        }
        multis.clear();
        for (int i = 0; i < polled.size(); i++) {
            Channel channel = polled.get(i);
            for (Event event : channel.batch.events()) {
                channel.history.append(event);
            }
            channel.batch.clear();
        }
        polled.clear();
    }

    /** This poll's events of the subscriber's channels, in delivery order; a single batch goes as it is. */
    private void deliverMerged(Subscriber subscriber) {
        Batch only = null;
        List<Event> merged = null;
        for (String name : subscriber.channelNames()) {
            Channel channel = channels.get(name);
            if (channel == null || channel.batch.isEmpty()) {
                continue;
            }
            if (only == null) {
                only = channel.batch;
            } else {
                if (merged == null) {
                    merged = new ArrayList<>(only.events());
                }
                merged.addAll(channel.batch.events());
            }
        }
        if (merged == null) {
            if (only == null) {
                return;
            }
            if (subscriber.durableFloor() == 0) {
                subscriber.outbox().deliver(only.messages(subscriber.format()));
                return;
            }
            merged = only.events();
        } else {
            merged.sort(DELIVERY_ORDER);
        }
        if (subscriber.durableFloor() != 0) {
            deliverAboveFloor(subscriber, merged);
        } else {
            deliverEach(subscriber, merged);
        }
    }

    /** Events put for this subscriber alone, in the order given, in one write. */
    private static void deliverEach(Subscriber subscriber, List<Event> events) {
        if (events.isEmpty()) {
            return;
        }
        ArrayList<Frame> frames = new ArrayList<>(events.size());
        int bytes = 0;
        for (Event event : events) {
            Frame frame = Batch.frame(subscriber.format(), event);
            frames.add(frame);
            bytes += frame.bytes();
        }
        subscriber.outbox().deliver(new Messages(subscriber.format(), frames, bytes));
    }

    /**
     * A subscriber that resumed from the table before this server released what it read: this poll's events of
     * its channels (in delivery order) without the durable ones at or below its floor.
     */
    private void deliverAboveFloor(Subscriber subscriber, List<Event> events) {
        long floor = subscriber.durableFloor();
        List<Event> above = new ArrayList<>(events.size());
        addAbove(above, events, floor);
        deliverEach(subscriber, above);
        // Everything released from now on is above the watermark.
        if (watermark.get() >= floor) {
            subscriber.durableFloor(0);
        }
    }

    /** The events that are plain or durable above {@code floor}: the client has the others. */
    static void addAbove(List<Event> into, List<Event> events, long floor) {
        for (Event event : events) {
            if (event.durablePosition() == 0 || event.durablePosition() > floor) {
                into.add(event);
            }
        }
    }
}
