package pgeventserv.fanout;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Queue;
import pgeventserv.postgres.DurableEvent;

/**
 * A resume that history alone cannot serve, from an id that carries a durable watermark: the channels' durable
 * events after it, up to the newest committed when the read begins ({@link #upTo}), are read on another thread;
 * the subscriber waits, not yet a member. It is let in on the listener thread ({@link Fanout#pollCompleted}) once
 * the read is back and every reference at or below {@code upTo} has been released: those the server heard are
 * then in history, where the resume skips them, and those it never heard (committed before the channel was
 * LISTENed) come from the table only.
 */
final class DurableResume implements Runnable {

    final Registry.Move move;
    /** The client's watermark: it has every durable event at or below it. */
    final long after;
    /** The newest durable position read: at or above the release watermark when the resume began. */
    private long upTo;
    /** The last delivery sequence number when the resume began: later events come from history. */
    final long sequence;
    /** Per channel, why plain notifications may have been missed. */
    final Map<String, String> plainGaps;
    private final DurableReader reader;
    private final Queue<DurableResume> completed;
    private List<DurableEvent> events = List.of();
    private String gapReason;

    DurableResume(Registry.Move move, long after, long upTo, long sequence, Map<String, String> plainGaps,
            DurableReader reader, Queue<DurableResume> completed) {
        this.move = move;
        this.after = after;
        this.upTo = upTo;
        this.sequence = sequence;
        this.plainGaps = plainGaps;
        this.reader = reader;
        this.completed = completed;
    }

    @Override
    public void run() {
        try {
            upTo = Math.max(upTo, reader.newestPosition().orElse(0));
            if (upTo > after) {
                events = reader.between(move.channels(), after, upTo);
                OptionalLong oldest = reader.oldestPosition();
                // Rows between the client's watermark and the oldest kept were deleted by the retention.
                if (oldest.isEmpty() || oldest.getAsLong() > after + 1) {
                    gapReason = GapNotice.RETENTION;
                }
            }
        } catch (Exception | LinkageError e) {
            events = List.of();
            gapReason = GapNotice.UNKNOWN;
        } finally {
            completed.add(this);
        }
    }

    /** Not read at all (the executor refused the work): a gap, then history. */
    void fail() {
        gapReason = GapNotice.UNKNOWN;
        completed.add(this);
    }

    /** The newest position the read covers (listener thread, after completion). */
    long upTo() {
        return upTo;
    }

    /** The rows read, in position order (listener thread, after completion: the queue hands them over). */
    List<DurableEvent> events() {
        return events;
    }

    /** Why durable events may be missing ({@code retention}, {@code unknown} for a failed read), or null. */
    String durableGap() {
        return gapReason;
    }
}
