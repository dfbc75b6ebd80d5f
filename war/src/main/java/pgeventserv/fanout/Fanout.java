package pgeventserv.fanout;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import pgeventserv.postgres.Gap;

/**
 * Delivery, on the listener thread, without a lock. Each notification becomes an {@link Event} with the next
 * position and joins its channel's {@link Batch}; at the end of the poll, subscribers that asked to join or leave
 * channels are moved first, then each subscriber gets the batch in one write, put once per format for all of them
 * (a multi-channel subscriber gets its channels' batches merged in delivery order), then the batch goes into the
 * channel's history. Subscribers still waiting for their writer are drained again after every poll.
 */
public final class Fanout {

    private static final long EVICTION_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Comparator<Event> DELIVERY_ORDER = Comparator.comparingLong(Event::position);

    private final Registry registry;
    private final EventIds ids;
    // Listener thread only.
    private long position;
    private long pollNumber;
    private long pollNanos;
    private long lastEvictionNanos = System.nanoTime();
    private final ArrayList<Registry.Channel> polled = new ArrayList<>();
    private final ArrayList<Subscriber> multis = new ArrayList<>();
    private final ArrayDeque<Registry.Move> moves = new ArrayDeque<>();
    private final ArrayDeque<Subscriber> retry = new ArrayDeque<>();

    public Fanout(Registry registry, EventIds ids) {
        this.registry = registry;
        this.ids = ids;
    }

    /** One notification, in the order PostgreSQL delivered it. */
    public void deliver(String channelName, String payload) {
        Registry.Channel channel = registry.channel(channelName);
        if (channel == null) {
            return;
        }
        if (polled.isEmpty()) {
            pollNanos = System.nanoTime();
        }
        if (channel.batch.isEmpty()) {
            polled.add(channel);
        }
        channel.batch.add(new Event(++position, channelName, payload, pollNanos, ids));
    }

    /** The poll ended: joins and leaves, every batch to its channel's members and history, then the waiting. */
    public void pollCompleted() {
        // Notifications arrive only after the poll's LISTENs: a LISTEN done by now hears everything after this.
        registry.markListened(position - eventsThisPoll());
        registry.takeMoves(moves);
        for (Registry.Move m; (m = moves.poll()) != null; ) {
            if (m.join()) {
                join(m);
            } else {
                registry.removeFrom(m.subscriber(), m.channels().get(0));
                if (m.reply() != null) {
                    m.subscriber().offer(m.reply());
                }
            }
        }
        if (!polled.isEmpty()) {
            deliverPolled();
        }
        long now = System.nanoTime();
        if (now - lastEvictionNanos > EVICTION_INTERVAL_NANOS) {
            lastEvictionNanos = now;
            for (Registry.Channel channel : registry.channels()) {
                channel.history.evictOlderThan(now);
            }
        }
        registry.takeAwaiting(retry);
        for (Subscriber s; (s = retry.poll()) != null; ) {
            s.drain();
        }
    }

    private int eventsThisPoll() {
        int n = 0;
        for (int i = 0; i < polled.size(); i++) {
            n += polled.get(i).batch.size();
        }
        return n;
    }

    private void deliverPolled() {
        pollNumber++;
        for (int i = 0; i < polled.size(); i++) {
            Registry.Channel channel = polled.get(i);
            for (Subscriber member : channel.members) {
                if (!member.multi()) {
                    member.deliver(channel.batch);
                } else if (member.collectedInPoll != pollNumber) {
                    member.collectedInPoll = pollNumber;
                    multis.add(member);
                }
            }
        }
        for (int i = 0; i < multis.size(); i++) {
            deliverMerged(multis.get(i));
        }
        multis.clear();
        for (int i = 0; i < polled.size(); i++) {
            Registry.Channel channel = polled.get(i);
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
        for (String name : subscriber.channels) {
            Registry.Channel channel = registry.channel(name);
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
            if (only != null) {
                subscriber.deliver(only);
            }
            return;
        }
        merged.sort(DELIVERY_ORDER);
        ArrayList<Frame> frames = new ArrayList<>(merged.size());
        int bytes = 0;
        for (Event event : merged) {
            Frame frame = Batch.frame(subscriber.format(), event);
            frames.add(frame);
            bytes += frame.bytes();
        }
        subscriber.deliverMerged(frames, bytes);
    }

    /**
     * A subscriber joins its channels: their reply first, then, when it resumes, a gap for each channel whose
     * continuity cannot be proven and every event the histories hold after its id, in delivery order. Its live
     * events follow from this poll on, so nothing is missed or doubled at the seam.
     */
    private void join(Registry.Move move) {
        Subscriber subscriber = move.subscriber();
        if (!registry.admit(subscriber, move.channels())) {
            return;
        }
        if (move.reply() != null) {
            subscriber.offer(move.reply());
        }
        String lastEventId = move.lastEventId();
        if (lastEventId == null) {
            return;
        }
        long from = ids.position(lastEventId);
        long now = System.nanoTime();
        Format format = subscriber.format();
        List<Event> replay = new ArrayList<>();
        for (String name : move.channels()) {
            History.Replay r = registry.channel(name).history.since(from, now);
            if (r.gapReason() != null) {
                tell(subscriber, new GapNotice(name, r.gapReason(), lastEventId, r.outageSince(), r.outageUntil()));
            }
            replay.addAll(r.events());
        }
        if (replay.isEmpty()) {
            return;
        }
        if (move.channels().size() > 1) {
            replay.sort(DELIVERY_ORDER);
        }
        ArrayList<Frame> frames = new ArrayList<>(replay.size());
        for (Event event : replay) {
            frames.add(Batch.frame(format, event));
        }
        subscriber.replay(frames);
    }

    private static void tell(Subscriber subscriber, GapNotice notice) {
        String message = subscriber.format().gap(notice);
        if (message != null) {
            subscriber.offer(Frame.of(message));
        }
    }

    /**
     * The LISTEN connection is back after an outage (or came up after clients subscribed): each channel's history
     * records the break, and subscribers whose format can say so are told, before anything newer. Raw WebSocket
     * clients cannot be told in band; they stay open and go on.
     */
    public void gap(Gap gap) {
        Instant since = gap.since();
        Instant until = gap.until();
        for (Registry.Channel channel : registry.channels()) {
            channel.history.outage(position, since, until);
            Subscriber[] members = channel.members;
            if (members.length == 0) {
                continue;
            }
            GapNotice notice = new GapNotice(channel.name, GapNotice.OUTAGE, null, since, until);
            ArrayList<Format> formats = new ArrayList<>(2);
            ArrayList<Frame> frames = new ArrayList<>(2);
            for (Subscriber member : members) {
                Format format = member.format();
                int i = formats.indexOf(format);
                if (i < 0) {
                    String message = format.gap(notice);
                    formats.add(format);
                    frames.add(message == null ? null : Frame.of(message));
                    i = formats.size() - 1;
                }
                if (frames.get(i) != null) {
                    member.offer(frames.get(i));
                }
            }
        }
        // Those still on their way in, without an id to resume from: they opened while nothing was heard.
        registry.forEachWaitingJoin(move -> {
            if (move.lastEventId() == null) {
                for (String name : move.channels()) {
                    tell(move.subscriber(), new GapNotice(name, GapNotice.OUTAGE, null, since, until));
                }
            }
        });
    }

    /** The position of the last event delivered. */
    long position() {
        return position;
    }
}
