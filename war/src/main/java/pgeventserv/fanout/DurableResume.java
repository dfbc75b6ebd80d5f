package pgeventserv.fanout;

import java.util.List;
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
    /** Per channel (in the move's order), what history alone could give when the resume began. */
    final List<History.Replay> replays;
    private final DurableReader reader;
    private final Queue<DurableResume> completed;
    private List<DurableEvent> events = List.of();
    private String gapReason;
    private boolean failed;

    DurableResume(Registry.Move move, long after, long upTo, long sequence, List<History.Replay> replays,
            DurableReader reader, Queue<DurableResume> completed) {
        this.move = move;
        this.after = after;
        this.upTo = upTo;
        this.sequence = sequence;
        this.replays = replays;
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
            // The reader logged it; the client gets what history alone gives, as if its id carried no watermark.
            events = List.of();
            failed = true;
        } finally {
            completed.add(this);
        }
    }

    /** Not read at all (the executor refused the work): what history alone gives. */
    void fail() {
        failed = true;
        completed.add(this);
    }

    /** Whether the table could not be read (no schema, a failure): then history alone serves the resume. */
    boolean failed() {
        return failed;
    }

    /** The newest position the read covers (listener thread, after completion). */
    long upTo() {
        return upTo;
    }

    /** The rows read, in position order (listener thread, after completion: the queue hands them over). */
    List<DurableEvent> events() {
        return events;
    }

    /** Why durable events may be missing ({@code retention}), or null. */
    String durableGap() {
        return gapReason;
    }
}
