package pgeventserv.fanout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Resumes that history cannot serve, from an id that carries a durable watermark: the subscriber waits, not yet a
 * member (its later moves too), while its channels' durable events after the watermark are read from the table in
 * bounded rounds ({@link DurableResume}) on an executor of their own, so they never hold up the reads of live hints.
 * It joins once every hint at or below what the round read has been released here: those this server heard are then
 * in history, where the resume skips them, and those it never heard come from the table only. The client gets a gap
 * for each channel, the rows, what history got meanwhile without those rows, then its live events; of a filtered
 * channel, only the rows and events its filter lets through (gaps are about the channel and told whatever it is).
 *
 * <p>Listener thread; rounds are read on the executor and hand over through a queue.
 */
final class TableResumes {

    private final DurableReader reader;
    private final Executor reads;
    private final Channels channels;
    private final Sequence sequence;
    private final DurableSequencer durable;
    private final Counters counters;
    private final int maxRows;
    private final Queue<DurableResume> completed = new ConcurrentLinkedQueue<>();
    // Read, waiting for the releases up to what they read (and at least one poll, for the hints of what they read
    // to arrive).
    private final ArrayList<DurableResume> read = new ArrayList<>();
    // Whose next round waits for the client to write out what the last one sent.
    private final ArrayList<DurableResume> nextRounds = new ArrayList<>();
    private final Set<Subscriber> busy = Collections.newSetFromMap(new IdentityHashMap<>());

    TableResumes(DurableReader reader, Executor reads, Channels channels, Sequence sequence, DurableSequencer durable,
            Counters counters, int maxRows) {
        this.reader = reader;
        this.reads = reads;
        this.channels = channels;
        this.sequence = sequence;
        this.durable = durable;
        this.counters = counters;
        this.maxRows = maxRows;
    }

    /** Whether the table can serve resumes at all. */
    boolean available() {
        return reader != null;
    }

    /**
     * History cannot serve the resume, but the id says which durable events the client has: it waits while the
     * channels' durable events after {@code after}, up to this server's watermark at least, are read.
     */
    void start(Move move, long after, List<History.Replay> replays) {
        busy.add(move.subscriber());
        counters.resumeRead();
        execute(new DurableResume(move, after, Math.max(0, durable.watermark()), sequence.position(), replays, reader,
                completed, maxRows));
    }

    /** Whether the subscriber's resume is being read: its later moves wait. */
    boolean busy(Subscriber subscriber) {
        return !busy.isEmpty() && busy.contains(subscriber);
    }

    /** End of a poll, before the releases: resumes whose reads are released join; next rounds start. */
    void finishReady() {
        for (int i = 0; i < read.size(); ) {
            DurableResume resume = read.get(i);
            if (!durable.waitsAtOrBelow(resume.upTo())) {
                read.remove(i);
                finish(resume);
            } else {
                i++;
            }
        }
        for (int i = 0; i < nextRounds.size(); ) {
            DurableResume round = nextRounds.get(i);
            if (leftDuringResume(round.move)) {
                nextRounds.remove(i);
            } else if (round.move.subscriber().outbox().written()) {
                nextRounds.remove(i);
                execute(round);
            } else {
                i++;
            }
        }
    }

    /** End of a poll, after the releases: the rounds read since the last poll wait for the next one. */
    void collectRead() {
        for (DurableResume r; (r = completed.poll()) != null; ) {
            read.add(r);
        }
    }

    /** Whether a resume is still reading or waiting (tests run polls until none is). */
    boolean resuming() {
        return !completed.isEmpty() || !read.isEmpty() || !nextRounds.isEmpty();
    }

    private void execute(DurableResume round) {
        try {
            reads.execute(round);
        } catch (RejectedExecutionException e) {
            round.refuse();
        }
    }

    /**
     * A round's read is back. On the first round the client is sent its reply and a gap for each channel. Then, if
     * the round stopped at its bound or history no longer reaches back to where it began, the client is sent the
     * rows read and the next round waits for them to be written out. Otherwise the subscriber joins: the rows read
     * (position order), then every event delivered since the round began (without the durable ones it already
     * has), in delivery order; its live events follow from this poll on.
     */
    private void finish(DurableResume resume) {
        Move move = resume.move;
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
            History history = channels.get(name).history;
            overtaken |= history.evictedAfter(resume.sequence);
            since.add(history.since(resume.sequence, now));
        }
        if (resume.first()) {
            if (move.reply() != null) {
                subscriber.outbox().offer(move.reply());
            }
            tellGaps(resume, since);
        }
        Format format = subscriber.format();
        ArrayList<Frame> frames = new ArrayList<>(resume.rows().size());
        for (DurableRow row : resume.rows()) {
            Event event = sequence.stored(row);
            if (move.wants(event)) {
                frames.add(Batch.replayFrame(format, event));
            }
        }
        if (!resume.failed() && (resume.more() || overtaken)) {
            if (!frames.isEmpty()) {
                subscriber.outbox().replay(frames);
            }
            nextRounds.add(resume.next(durable.watermark(), sequence.position()));
            return;
        }
        busy.remove(subscriber);
        if (!channels.arrive(subscriber, move, now)) {
            return;
        }
        List<Event> later = new ArrayList<>();
        for (int i = 0; i < move.channels().size(); i++) {
            if (resume.failed() && resume.first()) {
                LiveDelivery.addAbove(later, resume.replays.get(i).events(), floor);
            }
            LiveDelivery.addAbove(later, since.get(i).events(), floor);
        }
        if (floor > durable.watermark()) {
            subscriber.durableFloor(floor);
        }
        later.sort(LiveDelivery.DELIVERY_ORDER);
        for (Event event : later) {
            if (move.wants(event)) {
                frames.add(Batch.replayFrame(format, event));
            }
        }
        if (!frames.isEmpty()) {
            subscriber.outbox().replay(frames);
        }
    }

    /** Whether the subscriber left while its resume was read: then the channels it reserved are given back. */
    private boolean leftDuringResume(Move move) {
        if (!move.subscriber().gone()) {
            return false;
        }
        busy.remove(move.subscriber());
        channels.arrive(move.subscriber(), move, System.nanoTime());
        return true;
    }

    /**
     * The first round's gaps, one per channel: with the table read, a channel whose history was whole still loses
     * its plain events up to the read (they are not sent again); without it (a failed read), history alone, as
     * without a watermark.
     */
    private static void tellGaps(DurableResume resume, List<History.Replay> since) {
        Move move = resume.move;
        for (int i = 0; i < move.channels().size(); i++) {
            String name = move.channels().get(i);
            History.Replay before = resume.replays.get(i);
            History.Replay r = since.get(i);
            if (resume.failed()) {
                if (before.gapReason() != null) {
                    GapNotices.tell(move.subscriber(), new GapNotice(name, before.gapReason(), move.lastEventId(),
                            before.outageSince(), before.outageUntil()));
                }
                continue;
            }
            String reason = resume.durableGap() != null ? resume.durableGap()
                    : before.gapReason() != null ? before.gapReason() : GapNotice.HISTORY;
            boolean outage = GapNotice.OUTAGE.equals(reason) || GapNotice.OUTAGE.equals(r.gapReason());
            GapNotices.tell(move.subscriber(), new GapNotice(name, outage ? GapNotice.OUTAGE : reason,
                    move.lastEventId(), outage ? r.outageSince() : null, outage ? r.outageUntil() : null));
        }
    }
}
