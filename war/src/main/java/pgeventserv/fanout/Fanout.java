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
import java.util.function.Consumer;
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
    /** Rows a resume reads per round: {@link DurableResume#MAX_ROWS}, fewer in tests. */
    int resumeRows = DurableResume.MAX_ROWS;
    // Resumes whose durable read is done, from the reading threads to the listener thread.
    private final Queue<DurableResume> resumed = new ConcurrentLinkedQueue<>();
    /** Where newly LISTENed channels' durable continuity starts, from the reading threads to the listener thread. */
    private final Queue<DurableSince> sinceRead = new ConcurrentLinkedQueue<>();
    /** Listener thread: channels LISTENed whose durable continuity is still to be read. */
    private final ArrayList<Registry.Channel> sinceWanted = new ArrayList<>();
    private final Consumer<Registry.Channel> wantSince = sinceWanted::add;
    // Listener thread only.
    private long position;
    /** Every durable event at or below it has been released; negative while durable events are off or none was. */
    private long watermark;
    /** The last position a reference's read covers, released or not. */
    private long readUpTo = -1;
    private final ArrayDeque<DurableRead> pending = new ArrayDeque<>();
    private final ArrayList<DurableRead> releasing = new ArrayList<>();
    // Resumes read, waiting for the releases up to what they read (and at least one poll, for the notifications
    // of what they read to arrive).
    private final ArrayList<DurableResume> readResumes = new ArrayList<>();
    // Resumes whose next round waits for the client to write out what the last one sent.
    private final ArrayList<DurableResume> nextRounds = new ArrayList<>();
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
        // A read takes every channel's rows of its range: a later reference within ranges already read (another
        // channel's of the same transaction) reads only what lies beyond them, or nothing.
        DurableReference named = reference.get();
        long first = Math.max(named.first(), readUpTo + 1);
        readUpTo = Math.max(readUpTo, named.last());
        hold(channel, first > named.last() ? DurableRead.covered(channel, named)
                : DurableRead.of(channel, new DurableReference(first, named.last()), reader));
        return true;
    }

    /** The channel's later notifications wait behind the read, which runs off this thread. */
    private void hold(Registry.Channel channel, DurableRead read) {
        if (channel.held == null) {
            channel.held = new ArrayDeque<>();
        }
        channel.held.add(read);
        pending.add(read);
        if (reader == null) {
            read.fail();
        } else if (!read.done()) {
            try {
                executor.execute(read);
            } catch (RejectedExecutionException e) {
                read.fail();
            }
        }
    }

    private record DurableSince(List<Registry.Channel> channels, long position) {
    }

    /**
     * Channels whose LISTEN is in effect: the durable events committed before it never reach this server, so their
     * history can vouch only for those after the newest committed now; a resume from before that reads the table.
     * One read serves every channel LISTENed by then (a later newest is a safe bound too); none is made while the
     * schema is known not to be installed.
     */
    private void readDurableSince() {
        if (reader == null || sinceWanted.isEmpty() || reader.absent()) {
            sinceWanted.clear();
            return;
        }
        List<Registry.Channel> channels = new ArrayList<>(sinceWanted);
        sinceWanted.clear();
        try {
            executor.execute(() -> {
                try {
                    sinceRead.add(new DurableSince(channels, reader.newestPosition().orElse(0)));
                } catch (Exception | LinkageError e) {
                    // The reader logged it; the channels stay unknown and resumes with durable ids read the table.
                }
            });
        } catch (RejectedExecutionException e) {
            // As above.
        }
    }

    /** The poll ended: joins and leaves, every batch to its channel's members and history, then the waiting. */
    public void pollCompleted() {
        // Notifications arrive only after the poll's LISTENs: a LISTEN done by now hears everything after this.
        registry.markListened(position - eventsThisPoll(), wantSince);
        readDurableSince();
        for (DurableSince known; (known = sinceRead.poll()) != null; ) {
            for (Registry.Channel channel : known.channels()) {
                channel.durableSince = known.position();
            }
        }
        // Resumes first: what is released now goes to them live, what was released before is in history.
        if (!readResumes.isEmpty()) {
            finishResumes();
        }
        if (!nextRounds.isEmpty()) {
            startNextRounds();
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
                if (n > 0 && read.first > last) {
                    break;
                }
                if (!read.done()) {
                    return;
                }
                last = Math.max(last, read.last());
                n++;
            }
            for (int i = 0; i < n; i++) {
                releasing.add(pending.poll());
            }
            release(releasing, last);
            releasing.clear();
        }
    }

    /**
     * A read holds the rows of its whole range, of every channel: each goes to its channel here (a channel nobody
     * here follows has none). Rows at or below the watermark were released already, by an earlier read whose range
     * covered them (another channel's reference of the same transaction, or a catch-up after an outage), and are
     * not delivered twice.
     */
    private void release(List<DurableRead> reads, long last) {
        long now = System.nanoTime();
        long released = watermark;
        List<DurableEvent> rows = reads.get(0).events();
        if (reads.size() > 1) {
            rows = new ArrayList<>();
            for (DurableRead read : reads) {
                rows.addAll(read.events());
            }
            rows.sort(Comparator.comparingLong(DurableEvent::position));
        }
        for (DurableEvent row : rows) {
            if (row.position() <= released) {
                continue;
            }
            released = row.position();
            Registry.Channel channel = registry.channel(row.channel());
            if (channel != null) {
                add(channel, durableEvent(channel.name, row, now));
                registry.counters().durableReleased(1);
            }
        }
        if (reader != null) {
            watermark = Math.max(watermark, last);
        }
        boolean failed = false;
        for (DurableRead read : reads) {
            failed |= read.failed();
        }
        if (failed) {
            // Which channels had rows in the range is not known: every channel's clients are told.
            for (Registry.Channel channel : registry.channels()) {
                channel.history.broken(position);
                tellMembers(channel, new GapNotice(channel.name, GapNotice.UNKNOWN, null, null, null));
            }
        }
        for (DurableRead read : reads) {
            Registry.Channel channel = read.channel;
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
                    if (member.durableFloor == 0) {
                        member.deliver(channel.batch);
                    } else {
                        deliverAboveFloor(member, channel.batch.events());
                    }
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
            if (only == null) {
                return;
            }
            if (subscriber.durableFloor == 0) {
                subscriber.deliver(only);
                return;
            }
            merged = only.events();
        } else {
            merged.sort(DELIVERY_ORDER);
        }
        if (subscriber.durableFloor != 0) {
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
        subscriber.deliverMerged(frames, bytes);
    }

    /**
     * A subscriber that resumed from the table before this server released what it read: this poll's events of
     * its channels (in delivery order) without the durable ones at or below its floor.
     */
    private void deliverAboveFloor(Subscriber subscriber, List<Event> events) {
        long floor = subscriber.durableFloor;
        List<Event> above = new ArrayList<>(events.size());
        addAbove(above, events, floor);
        deliverEach(subscriber, above);
        // Everything released from now on is above the watermark.
        if (watermark >= floor) {
            subscriber.durableFloor = 0;
        }
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
            if (durableWatermark >= 0 && reader != null && (gap || listenedSince(move.channels(), durableWatermark))) {
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

    /** Whether one of the channels was LISTENed here after durable events above {@code durable} were committed. */
    private boolean listenedSince(List<String> channels, long durable) {
        for (String name : channels) {
            if (registry.channel(name).durableSince > durable) {
                return true;
            }
        }
        return false;
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
        DurableResume resume = new DurableResume(move, after, Math.max(0, watermark), position, replays, reader, resumed,
                resumeRows);
        registry.resuming(move.subscriber());
        registry.counters().resumeRead();
        try {
            executor.execute(resume);
        } catch (RejectedExecutionException e) {
            resume.fail();
        }
    }

    private void finishResumes() {
        for (int i = 0; i < readResumes.size(); ) {
            DurableResume resume = readResumes.get(i);
            if (pending.isEmpty() || pending.peek().first > resume.upTo()) {
                readResumes.remove(i);
                finishResume(resume);
            } else {
                i++;
            }
        }
    }

    /** Next rounds whose subscriber has written out what the last one sent start now; those whose subscriber left end. */
    private void startNextRounds() {
        for (int i = 0; i < nextRounds.size(); ) {
            DurableResume round = nextRounds.get(i);
            if (leftDuringResume(round.move)) {
                nextRounds.remove(i);
            } else if (round.move.subscriber().written()) {
                nextRounds.remove(i);
                try {
                    executor.execute(round);
                } catch (RejectedExecutionException e) {
                    round.fail();
                }
            } else {
                i++;
            }
        }
    }

    /**
     * Listener thread, a round's read is back. On the first round the client is sent its reply and a gap for each
     * channel. Then, if the round stopped at its bound or history no longer reaches back to where it began, the
     * client is sent the rows read and the next round waits for them to be written out. Otherwise the subscriber
     * joins: the rows read (position order), then every event delivered since the round began (without the
     * durable ones it already has), in delivery order; its live events follow from this poll on.
     */
    private void finishResume(DurableResume resume) {
        Registry.Move move = resume.move;
        Subscriber subscriber = move.subscriber();
        if (leftDuringResume(move)) {
            return;
        }
        long now = System.nanoTime();
        // The client has every durable event of its channels up to here: from its own id, and from the read.
        long floor = resume.failed() ? resume.after : Math.max(resume.after, resume.upTo());
        List<History.Replay> since = new ArrayList<>(move.channels().size());
        boolean overtaken = false;
        for (String name : move.channels()) {
            History history = registry.channel(name).history;
            overtaken |= history.evictedAfter(resume.sequence);
            since.add(history.since(resume.sequence, now));
        }
        if (resume.first()) {
            if (move.reply() != null) {
                subscriber.offer(move.reply());
            }
            tellResumeGaps(resume, since);
        }
        Format format = subscriber.format();
        ArrayList<Frame> frames = new ArrayList<>(resume.events().size());
        for (DurableEvent row : resume.events()) {
            frames.add(Batch.frame(format, new Event(0, row.channel(), row.payload(), now, ids, row.position(), watermark)));
        }
        if (!resume.failed() && (resume.more() || overtaken)) {
            if (!frames.isEmpty()) {
                subscriber.replay(frames);
            }
            nextRounds.add(resume.next(watermark, position));
            return;
        }
        registry.resumed(subscriber);
        if (!registry.admit(subscriber, move.channels())) {
            return;
        }
        List<Event> later = new ArrayList<>();
        for (int i = 0; i < move.channels().size(); i++) {
            if (resume.failed() && resume.first()) {
                addAbove(later, resume.replays.get(i).events(), floor);
            }
            addAbove(later, since.get(i).events(), floor);
        }
        if (floor > watermark) {
            subscriber.durableFloor = floor;
        }
        later.sort(DELIVERY_ORDER);
        for (Event event : later) {
            frames.add(Batch.frame(format, event));
        }
        if (!frames.isEmpty()) {
            subscriber.replay(frames);
        }
    }

    /** Whether the subscriber left while its resume was read: then its channels no longer wait for it to join. */
    private boolean leftDuringResume(Registry.Move move) {
        Subscriber.State state = move.subscriber().state();
        if (state != Subscriber.State.CLOSING && state != Subscriber.State.CLOSED) {
            return false;
        }
        registry.resumed(move.subscriber());
        registry.admit(move.subscriber(), move.channels());
        return true;
    }

    /**
     * The first round's gaps, one per channel: with the table read, a channel whose history was whole still loses
     * its plain events up to the read (they are not sent again); without it (a failed read), history alone, as
     * without a watermark.
     */
    private void tellResumeGaps(DurableResume resume, List<History.Replay> since) {
        Registry.Move move = resume.move;
        for (int i = 0; i < move.channels().size(); i++) {
            String name = move.channels().get(i);
            History.Replay before = resume.replays.get(i);
            History.Replay r = since.get(i);
            if (resume.failed()) {
                if (before.gapReason() != null) {
                    tell(move.subscriber(), new GapNotice(name, before.gapReason(), move.lastEventId(),
                            before.outageSince(), before.outageUntil()));
                }
                continue;
            }
            String reason = resume.durableGap() != null ? resume.durableGap()
                    : before.gapReason() != null ? before.gapReason() : GapNotice.HISTORY;
            boolean outage = GapNotice.OUTAGE.equals(reason) || GapNotice.OUTAGE.equals(r.gapReason());
            tell(move.subscriber(), new GapNotice(name, outage ? GapNotice.OUTAGE : reason, move.lastEventId(),
                    outage ? r.outageSince() : null, outage ? r.outageUntil() : null));
        }
    }

    /** The events that are plain or durable above {@code floor}: the client has the others. */
    private static void addAbove(List<Event> into, List<Event> events, long floor) {
        for (Event event : events) {
            if (event.durablePosition() == 0 || event.durablePosition() > floor) {
                into.add(event);
            }
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
     * clients cannot be told in band; they stay open and go on. Durable events are not lost with the outage: each
     * channel catches up from the table, everything after the watermark that no reference will name (those
     * committed before the LISTENs were back), ahead of its later notifications.
     */
    public void gap(Gap gap) {
        Instant since = gap.since();
        Instant until = gap.until();
        for (Registry.Channel channel : registry.channels()) {
            channel.history.outage(position, since, until);
            tellMembers(channel, new GapNotice(channel.name, GapNotice.OUTAGE, null, since, until));
            long after = catchUpFrom(channel);
            if (reader != null && after >= 0) {
                hold(channel, DurableRead.catchUp(channel, after, reader));
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

    /**
     * Where a channel's catch-up after an outage starts: every durable event of it up to there was released here, or
     * was committed before its LISTEN; {@link EventIds#UNKNOWN} when neither is known yet.
     */
    private long catchUpFrom(Registry.Channel channel) {
        if (channel.durableSince == Long.MAX_VALUE) {
            return watermark;
        }
        return Math.max(watermark, channel.durableSince);
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

    /** Whether a resume is still reading or waiting (tests run polls until none is). */
    boolean resuming() {
        return !resumed.isEmpty() || !readResumes.isEmpty() || !nextRounds.isEmpty();
    }

    /** The position of the last event delivered. */
    long position() {
        return position;
    }
}
