package pgeventserv.fanout;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import pgeventserv.postgres.DurableEvent;
import pgeventserv.postgres.DurableReference;
import pgeventserv.postgres.Gap;

/**
 * Delivery, on the listener thread, without a lock. Each notification becomes an {@link Event} with the next
 * position and joins its channel's {@link Batch}; at the end of the poll, subscribers that asked to join or leave
 * channels are moved first, then each subscriber gets the batch in one write, put once per format for all of them
 * (a multi-channel subscriber gets its channels' batches merged in delivery order), then the batch goes into the
 * channel's history. Subscribers still waiting for their writer are drained again after every poll.
 *
 * <p>Durable events: a notification whose payload is a {@link DurableReference} is not delivered; its rows are read
 * on the executor, and the channel's later notifications wait behind it, so each channel keeps commit order.
 * Reads are released at the start of a poll's end, on the listener thread, in the order the references came (the
 * order of their positions; the references of one transaction, whose ranges overlap, go together): the durable
 * events this server has delivered are always exactly those at or below the watermark W, the last released
 * position. Released rows become ordinary events (their id {@code d<position>}), recorded in history; a plain
 * event's id carries W. A read that fails becomes a gap for the channel's clients, and delivery goes on.
 */
public final class Fanout {

    private static final long EVICTION_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Comparator<Event> DELIVERY_ORDER = Comparator.comparingLong(Event::position);

    private final Registry registry;
    private final EventIds ids;
    private final DurableReader reader;
    private final Executor executor;
    // Resumes whose durable read is done, from the reading threads to the listener thread.
    private final Queue<DurableResume> resumed = new ConcurrentLinkedQueue<>();
    // Listener thread only.
    private long position;
    /** Every durable event at or below it has been released; negative while durable events are off or none was. */
    private long watermark;
    private final ArrayDeque<DurableRead> pending = new ArrayDeque<>();
    private final ArrayList<DurableRead> releasing = new ArrayList<>();
    // Resumes read, waiting for the releases up to what they read (and at least one poll, for the notifications
    // of what they read to arrive).
    private final ArrayList<DurableResume> readResumes = new ArrayList<>();
    private long pollNumber;
    private long pollNanos;
    private long lastEvictionNanos = System.nanoTime();
    private final ArrayList<Registry.Channel> polled = new ArrayList<>();
    private final ArrayList<Subscriber> multis = new ArrayList<>();
    private final ArrayDeque<Registry.Move> moves = new ArrayDeque<>();
    private final ArrayDeque<Subscriber> retry = new ArrayDeque<>();

    /** Without durable events: a durable reference becomes a gap. */
    public Fanout(Registry registry, EventIds ids) {
        this(registry, ids, null, Runnable::run, EventIds.UNKNOWN);
    }

    /**
     * @param reader    reads durable events; null when there are none (references become gaps)
     * @param executor  where reads run, never the listener thread
     * @param watermark where the watermark starts; {@link EventIds#UNKNOWN} until the first durable event is
     *                  released (plain ids carry none until then, and resume from them as without durable events)
     */
    public Fanout(Registry registry, EventIds ids, DurableReader reader, Executor executor, long watermark) {
        this.registry = registry;
        this.ids = ids;
        this.reader = reader;
        this.executor = executor;
        this.watermark = reader == null ? EventIds.UNKNOWN : watermark;
    }

    /** One notification, in the order PostgreSQL delivered it. */
    public void deliver(String channelName, String payload) {
        Registry.Channel channel = registry.channel(channelName);
        if (channel == null) {
            return;
        }
        if (!payload.isEmpty() && payload.charAt(0) == '\u001E' && durable(channel, payload)) {
            return;
        }
        if (channel.holding()) {
            channel.held.add(payload);
            return;
        }
        if (polled.isEmpty()) {
            pollNanos = System.nanoTime();
        }
        add(channel, new Event(++position, channelName, payload, pollNanos, ids, 0, watermark));
    }

    private void add(Registry.Channel channel, Event event) {
        if (channel.batch.isEmpty()) {
            polled.add(channel);
        }
        channel.batch.add(event);
    }

    /** A durable reference: its rows are read off this thread, and the channel waits behind it. */
    private boolean durable(Registry.Channel channel, String payload) {
        Optional<DurableReference> reference = DurableReference.parse(payload);
        if (reference.isEmpty()) {
            return false;
        }
        DurableRead read = new DurableRead(channel, reference.get(), reader);
        if (channel.held == null) {
            channel.held = new ArrayDeque<>();
        }
        channel.held.add(read);
        pending.add(read);
        if (reader == null) {
            read.fail();
        } else {
            try {
                executor.execute(read);
            } catch (RejectedExecutionException e) {
                read.fail();
            }
        }
        return true;
    }

    /** The poll ended: joins and leaves, every batch to its channel's members and history, then the waiting. */
    public void pollCompleted() {
        // Notifications arrive only after the poll's LISTENs: a LISTEN done by now hears everything after this.
        registry.markListened(position - eventsThisPoll());
        // Resumes first: what is released now goes to them live, what was released before is in history.
        if (!readResumes.isEmpty()) {
            finishResumes();
        }
        if (!pending.isEmpty()) {
            releaseDurable();
        }
        for (DurableResume r; (r = resumed.poll()) != null; ) {
            readResumes.add(r);
        }
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

    /**
     * Releases the reads that are done, oldest first, stopping at the first that is not: a transaction's
     * references (overlapping ranges) go together, their rows merged in position order.
     */
    private void releaseDurable() {
        while (!pending.isEmpty()) {
            long last = -1;
            int n = 0;
            for (DurableRead read : pending) {
                if (n > 0 && read.reference.first() > last) {
                    break;
                }
                if (!read.done()) {
                    return;
                }
                last = Math.max(last, read.reference.last());
                n++;
            }
            for (int i = 0; i < n; i++) {
                releasing.add(pending.poll());
            }
            release(releasing, last);
            releasing.clear();
        }
    }

    private void release(List<DurableRead> reads, long last) {
        long now = System.nanoTime();
        if (reads.size() == 1) {
            DurableRead read = reads.get(0);
            for (DurableEvent row : read.events()) {
                add(read.channel, durableEvent(read.channel.name, row, now));
            }
        } else {
            List<DurableEvent> rows = new ArrayList<>();
            for (DurableRead read : reads) {
                rows.addAll(read.events());
            }
            rows.sort(Comparator.comparingLong(DurableEvent::position));
            for (DurableEvent row : rows) {
                for (DurableRead read : reads) {
                    if (read.channel.name.equals(row.channel())) {
                        add(read.channel, durableEvent(read.channel.name, row, now));
                        break;
                    }
                }
            }
        }
        if (reader != null) {
            watermark = Math.max(watermark, last);
        }
        for (DurableRead read : reads) {
            Registry.Channel channel = read.channel;
            if (read.failed()) {
                channel.history.broken(position);
                tellMembers(channel, new GapNotice(channel.name, GapNotice.UNKNOWN, null, null, null));
            }
            channel.held.poll();
            // The plain notifications that waited behind it, up to the next durable one.
            for (Object next; (next = channel.held.peek()) instanceof String payload; ) {
                channel.held.poll();
                add(channel, new Event(++position, channel.name, payload, now, ids, 0, watermark));
            }
        }
    }

    private Event durableEvent(String channel, DurableEvent row, long nanos) {
        return new Event(++position, channel, row.payload(), nanos, ids, row.position(), watermark);
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
        String lastEventId = move.lastEventId();
        List<History.Replay> replays = null;
        if (lastEventId != null) {
            long from = ids.position(lastEventId);
            if (from == EventIds.UNKNOWN) {
                from = positionOfDurable(move.channels(), EventIds.durablePosition(lastEventId));
            }
            long now = System.nanoTime();
            replays = new ArrayList<>(move.channels().size());
            boolean gap = false;
            for (String name : move.channels()) {
                History.Replay r = registry.channel(name).history.since(from, now);
                gap |= r.gapReason() != null;
                replays.add(r);
            }
            long durableWatermark = EventIds.watermark(lastEventId);
            if (gap && durableWatermark >= 0 && reader != null) {
                resumeFromTable(move, durableWatermark, replays);
                return;
            }
        }
        if (!registry.admit(subscriber, move.channels())) {
            return;
        }
        if (move.reply() != null) {
            subscriber.offer(move.reply());
        }
        if (replays == null) {
            return;
        }
        Format format = subscriber.format();
        List<Event> replay = new ArrayList<>();
        for (int i = 0; i < replays.size(); i++) {
            String name = move.channels().get(i);
            History.Replay r = replays.get(i);
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

    /** The delivery position of a durable id's event in these channels' history, or {@link EventIds#UNKNOWN}. */
    private long positionOfDurable(List<String> channels, long durablePosition) {
        if (durablePosition == EventIds.UNKNOWN) {
            return EventIds.UNKNOWN;
        }
        for (String name : channels) {
            long p = registry.channel(name).history.positionOfDurable(durablePosition);
            if (p != EventIds.UNKNOWN) {
                return p;
            }
        }
        return EventIds.UNKNOWN;
    }

    /**
     * History cannot serve the resume, but the id says which durable events the client has: it waits, not yet a
     * member, while the channels' durable events after its watermark, up to this server's, are read; the rest
     * comes from history once the read is back ({@link #finishResume}).
     */
    private void resumeFromTable(Registry.Move move, long after, List<History.Replay> replays) {
        DurableResume resume = new DurableResume(move, after, Math.max(0, watermark), position, replays, reader, resumed);
        registry.resuming(move.subscriber());
        try {
            executor.execute(resume);
        } catch (RejectedExecutionException e) {
            resume.fail();
        }
    }

    private void finishResumes() {
        for (int i = 0; i < readResumes.size(); ) {
            DurableResume resume = readResumes.get(i);
            if (pending.isEmpty() || pending.peek().reference.first() > resume.upTo()) {
                readResumes.remove(i);
                finishResume(resume);
            } else {
                i++;
            }
        }
    }

    /**
     * Listener thread: the subscriber joins with a gap for each channel, the durable events read (position
     * order), then every event delivered since the read began (without the durable ones the read already had), in
     * delivery order; its live events follow from this poll on.
     */
    private void finishResume(DurableResume resume) {
        Registry.Move move = resume.move;
        Subscriber subscriber = move.subscriber();
        registry.resumed(subscriber);
        if (!registry.admit(subscriber, move.channels())) {
            return;
        }
        if (move.reply() != null) {
            subscriber.offer(move.reply());
        }
        long now = System.nanoTime();
        List<Event> since = new ArrayList<>();
        for (int i = 0; i < move.channels().size(); i++) {
            String name = move.channels().get(i);
            History.Replay before = resume.replays.get(i);
            History.Replay r = registry.channel(name).history.since(resume.sequence, now);
            if (resume.failed()) {
                // History alone, as without a watermark: what it held when the resume began, then what came since.
                if (before.gapReason() != null) {
                    tell(subscriber, new GapNotice(name, before.gapReason(), move.lastEventId(), before.outageSince(),
                            before.outageUntil()));
                }
                since.addAll(before.events());
                since.addAll(r.events());
                continue;
            }
            // A channel whose history was whole still loses its plain events up to the read: they are not sent again.
            String reason = resume.durableGap() != null ? resume.durableGap()
                    : before.gapReason() != null ? before.gapReason() : GapNotice.HISTORY;
            boolean outage = GapNotice.OUTAGE.equals(reason) || GapNotice.OUTAGE.equals(r.gapReason());
            tell(subscriber, new GapNotice(name, outage ? GapNotice.OUTAGE : reason, move.lastEventId(),
                    outage ? r.outageSince() : null, outage ? r.outageUntil() : null));
            for (Event event : r.events()) {
                if (event.durablePosition() == 0 || event.durablePosition() > resume.upTo()) {
                    since.add(event);
                }
            }
        }
        since.sort(DELIVERY_ORDER);
        Format format = subscriber.format();
        ArrayList<Frame> frames = new ArrayList<>(resume.events().size() + since.size());
        for (DurableEvent row : resume.events()) {
            frames.add(Batch.frame(format, new Event(0, row.channel(), row.payload(), now, ids, row.position(), watermark)));
        }
        for (Event event : since) {
            frames.add(Batch.frame(format, event));
        }
        if (!frames.isEmpty()) {
            subscriber.replay(frames);
        }
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
            tellMembers(channel, new GapNotice(channel.name, GapNotice.OUTAGE, null, since, until));
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

    /** Every member of the channel whose format can say so is told of a gap, one message made per format. */
    private static void tellMembers(Registry.Channel channel, GapNotice notice) {
        Subscriber[] members = channel.members;
        if (members.length == 0) {
            return;
        }
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

    /** The durable watermark: every durable event at or below it has been released. */
    long watermark() {
        return watermark;
    }

    /** The position of the last event delivered. */
    long position() {
        return position;
    }
}
