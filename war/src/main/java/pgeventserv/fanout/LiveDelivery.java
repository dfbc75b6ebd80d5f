package pgeventserv.fanout;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * One poll's events to the channels' members: each channel's batch is put once per format and written to every
 * member in one write; a multi-channel subscriber gets its channels' batches merged in delivery order; then the
 * batch goes into the channel's history.
 *
 * <p>Filtered members (DESIGN §13) are not among the members the batch goes to as it is: each event's payload is
 * tested once against all of the channel's filters ({@link pgeventserv.fanout.filter.ChannelFilters}), and each
 * subscriber gets the events that matched, as frames of the batch (a subscriber that matched all of it gets the
 * batch itself). Members without a filter pay nothing for them.
 *
 * <p>Listener thread only.
 */
final class LiveDelivery {

    static final Comparator<Event> DELIVERY_ORDER = Comparator.comparingLong(Event::position);

    private final Channels channels;
    private final Watermark watermark;
    private final ArrayList<Channel> polled = new ArrayList<>();
    private final ArrayList<Subscriber> multis = new ArrayList<>();
    /** A channel's single-channel subscribers with matches in this poll. */
    private final ArrayList<Subscriber> matchedSingles = new ArrayList<>();
    private final Consumer<Subscriber> onMatch = this::matched;
    private Event matching;
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
            for (Subscriber member : channel.plainMembers()) {
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
            if (!channel.filters.isEmpty()) {
                deliverFiltered(channel);
            }
        }
        for (int i = 0; i < multis.size(); i++) {
            Subscriber multi = multis.get(i);
            deliverMerged(multi);
            if (multi.matchedIn(pollNumber)) {
                multi.matched().clear();
            }
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

    /**
     * The channel's events to its filtered members: each payload tested once against all their filters; a
     * single-channel member gets its matches now, a multi-channel one with its other channels' events.
     */
    private void deliverFiltered(Channel channel) {
        List<Event> events = channel.batch.events();
        for (int i = 0; i < events.size(); i++) {
            matching = events.get(i);
            channel.filters.forEachMatch(matching.payload(), onMatch);
        }
        matching = null;
        for (int i = 0; i < matchedSingles.size(); i++) {
            Subscriber s = matchedSingles.get(i);
            deliverMatched(s, channel.batch);
            s.matched().clear();
        }
        matchedSingles.clear();
    }

    private void matched(Subscriber subscriber) {
        if (subscriber.gone()) {
            return;
        }
        if (subscriber.firstMatchIn(pollNumber)) {
            if (!subscriber.multi()) {
                matchedSingles.add(subscriber);
            } else if (subscriber.collect(pollNumber)) {
                multis.add(subscriber);
            }
        }
        subscriber.matched().add(matching);
    }

    /**
     * A single-channel subscriber's matches of the batch: all of it goes as the batch does; fewer, as the batch's
     * frames of those events, in one write.
     */
    private void deliverMatched(Subscriber subscriber, Batch batch) {
        List<Event> matched = subscriber.matched();
        if (subscriber.durableFloor() != 0) {
            deliverAboveFloor(subscriber, matched);
            return;
        }
        Messages all = batch.messages(subscriber.format());
        if (matched.size() == batch.size()) {
            subscriber.outbox().deliver(all);
            return;
        }
        List<Event> events = batch.events();
        ArrayList<Frame> frames = new ArrayList<>(matched.size());
        int bytes = 0;
        int j = 0;
        for (int i = 0; i < matched.size(); i++) {
            Event event = matched.get(i);
            while (events.get(j) != event) {
                j++;
            }
            Frame frame = all.frames().get(j);
            frames.add(frame);
            bytes += frame.bytes();
        }
        subscriber.outbox().deliver(new Messages(subscriber.format(), frames, bytes));
    }

    /** This poll's events of the subscriber's channels (those of filtered ones that match), in delivery order. */
    private void deliverMerged(Subscriber subscriber) {
        Batch only = null;
        List<Event> merged = null;
        for (String name : subscriber.channelNames()) {
            Channel channel = channels.get(name);
            if (channel == null || channel.batch.isEmpty() || subscriber.filteredOn(channel)) {
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
        if (subscriber.matchedIn(pollNumber)) {
            // Matches of several filtered channels come channel by channel: sorted like any merge.
            if (merged == null) {
                merged = new ArrayList<>(subscriber.matched());
                if (only != null) {
                    merged.addAll(only.events());
                }
            } else {
                merged.addAll(subscriber.matched());
            }
            merged.sort(DELIVERY_ORDER);
        } else if (merged == null) {
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
