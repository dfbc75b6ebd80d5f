package pgeventserv.fanout;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Where a durable hint becomes delivered events: the reads asked for (a hint's transaction, a catch-up after an
 * outage), their release in the order they were asked, and the watermark W: every durable event at or below W of
 * every channel this server listens to has been delivered here (or its clients were told of a gap), none above it.
 *
 * <p>A hint is not trusted. Its read returns rows only when the table confirms it: the rows at both ends of its
 * range exist, are its channel's and one transaction's, committed by the very session that sent the hint
 * ({@link DurableReader#transaction}). A forged, absurd or foreign hint delivers nothing, moves neither W nor any
 * id, and is counted; one that names only positions at or below W is not read at all. A true hint comes from its
 * transaction's own commit, so every hint of an earlier transaction came before it: once the reads before it are
 * released, everything below its range is, and W may move to its last position. A true hint's read holds that
 * transaction's rows within its range, of every channel (so a transaction's rows go out in position order whichever
 * channel's hint comes first); rows at or below W are never delivered twice.
 *
 * <p>While a read is out, its channel's later plain notifications wait behind it ({@link HeldNotifications}), so
 * each channel keeps commit order; a catch-up holds only the channels that have rows to catch up, once one query
 * has said which. A read that fails, or is not back within {@link #HOLD_LIMIT_NANOS}, is given up: its channels'
 * clients are told of a gap and the rest goes on.
 *
 * <p>Listener thread only; reads run on the executor and hand over through {@link PendingRead#done()}.
 */
final class DurableSequencer {

    /**
     * How long a channel's notifications may wait behind one read before the read is given up: longer than a read
     * that meets a dead pooled connection takes to fail and succeed on another (the database side bounds each attempt
     * at 10 s), so a silent network cut costs a delay, not a gap.
     */
    static final long HOLD_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final DurableReader reader;
    private final Executor reads;
    private final Channels channels;
    private final LiveDelivery live;
    private final Counters counters;
    private final long holdLimitNanos;
    private final HeldNotifications held = new HeldNotifications();
    private final ArrayDeque<PendingRead> pending = new ArrayDeque<>();
    /** Catch-ups whose waiting channels are known and whose other channels no longer wait. */
    private final Set<CatchUpRead> planned = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Sequence sequence;
    private final Watermark watermark;

    /**
     * @param reader    the table; null when durable events are off (hints are ignored)
     * @param reads     where reads run, never the listener thread
     */
    DurableSequencer(DurableReader reader, Executor reads, Channels channels, LiveDelivery live, Sequence sequence,
            Watermark watermark, Counters counters, long holdLimitNanos) {
        this.reader = reader;
        this.reads = reads;
        this.channels = channels;
        this.live = live;
        this.sequence = sequence;
        this.watermark = watermark;
        this.counters = counters;
        this.holdLimitNanos = holdLimitNanos;
    }

    /** W: every durable event at or below it has been released; negative while none was. */
    long watermark() {
        return watermark.get();
    }

    /** A durable hint: its transaction is read, and the channel's later notifications wait behind it. */
    void hint(Channel channel, long first, long last, int sender) {
        if (reader == null || reader.absent()) {
            counters.referenceIgnored();
            return;
        }
        if (last <= watermark.get()) {
            // Everything it can name was released already, or its clients were told of a gap.
            return;
        }
        ask(new ReferenceRead(channel, first, last, sender, reader, System.nanoTime()), List.of(channel));
    }

    /**
     * A plain notification of the channel: true when it waits behind a read (it is delivered when that read is
     * released), false when it goes now.
     */
    boolean held(Channel channel, String payload) {
        if (!held.holding(channel)) {
            return false;
        }
        if (held.add(channel, payload)) {
            return true;
        }
        // The channel waited too long in notifications: every read is given up, in order, and this goes now.
        giveUpAll();
        return held.holding(channel) && held.add(channel, payload);
    }

    /**
     * The LISTEN connection is back: the durable events committed while nothing listened never had a hint here.
     * One catch-up reads them for every channel whose continuity is known, each after the later of W and where its
     * continuity began, up to one snapshot of the newest position.
     */
    void outage() {
        if (reader == null || reader.absent()) {
            return;
        }
        List<Floor> floors = new ArrayList<>();
        List<Channel> caught = new ArrayList<>();
        for (Channel channel : channels.all()) {
            if (channel.durableSinceKnown()) {
                floors.add(new Floor(channel.name, Math.max(watermark.get(), channel.durableSince())));
                caught.add(channel);
            }
        }
        if (!floors.isEmpty()) {
            ask(new CatchUpRead(floors, caught, reader, System.nanoTime()), caught);
        }
    }

    private void ask(PendingRead read, List<Channel> holding) {
        for (Channel channel : holding) {
            held.hold(channel, read);
        }
        pending.add(read);
        try {
            reads.execute(read);
        } catch (RejectedExecutionException e) {
            read.refuse();
        }
    }

    /**
     * End of a poll: the channels a catch-up turned out not to concern go on; then the reads that are done are
     * released, oldest first, up to the first that is not (unless that one has waited too long).
     */
    void releaseDone(long nowNanos) {
        if (pending.isEmpty()) {
            return;
        }
        for (PendingRead read : pending) {
            if (read instanceof CatchUpRead catchUp && catchUp.waiting() != null && planned.add(catchUp)) {
                for (Channel channel : catchUp.channels) {
                    if (!catchUp.waiting().contains(channel.name)) {
                        held.release(channel, catchUp, this::deliverPlain);
                    }
                }
            }
        }
        while (!pending.isEmpty()) {
            PendingRead head = pending.peek();
            boolean tooLong = !head.done() && nowNanos - head.askedNanos > holdLimitNanos;
            if (!head.done() && !tooLong) {
                return;
            }
            pending.poll();
            release(head, tooLong);
        }
    }

    /** Every read given up now, in order: their channels' clients are told of a gap. */
    private void giveUpAll() {
        while (!pending.isEmpty()) {
            release(pending.poll(), true);
        }
    }

    private void release(PendingRead read, boolean givenUp) {
        planned.remove(read);
        List<Channel> concerned = read instanceof ReferenceRead reference ? List.of(reference.channel)
                : ((CatchUpRead) read).channels;
        if (givenUp || read.failed()) {
            counters.durableGap();
            Set<String> waiting = read instanceof CatchUpRead catchUp ? catchUp.waiting() : null;
            for (Channel channel : concerned) {
                if (waiting == null || waiting.contains(channel.name)) {
                    // Which of these events the channel's clients missed is not known; a resume from before now
                    // cannot be vouched for by history either.
                    channel.history.broken(sequence.position());
                    GapNotices.tellMembers(channel, new GapNotice(channel.name, GapNotice.UNKNOWN, null, null, null));
                }
            }
        } else if (read.rows() == null) {
            counters.referenceIgnored();
        } else {
            deliver(read.rows());
            watermark.raise(read.upTo());
        }
        for (Channel channel : concerned) {
            held.release(channel, read, this::deliverPlain);
        }
    }

    /** Rows in position order; those at or below W were delivered already (another read covered them). */
    private void deliver(List<DurableRow> rows) {
        for (DurableRow row : rows) {
            if (row.position() <= watermark.get()) {
                continue;
            }
            watermark.raise(row.position());
            Channel channel = channels.get(row.channel());
            if (channel != null) {
                live.add(channel, sequence.durable(channel.name, row));
                counters.durableReleased(1);
            }
        }
    }

    private void deliverPlain(Channel channel, String payload) {
        live.add(channel, sequence.plain(channel.name, payload));
    }

    /** Whether a read still out may hold durable events at or below {@code position} (a resume waits for it). */
    boolean waitsAtOrBelow(long position) {
        for (PendingRead read : pending) {
            long lowest = read instanceof ReferenceRead reference ? reference.first : lowest((CatchUpRead) read);
            if (lowest <= position) {
                return true;
            }
        }
        return false;
    }

    private static long lowest(CatchUpRead read) {
        long lowest = Long.MAX_VALUE;
        for (Floor floor : read.floors) {
            lowest = Math.min(lowest, floor.after() + 1);
        }
        return lowest;
    }

    /** Whether reads are out (tests run polls until none is). */
    boolean reading() {
        return !pending.isEmpty();
    }
}
