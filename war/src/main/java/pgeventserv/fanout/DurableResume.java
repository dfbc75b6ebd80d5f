package pgeventserv.fanout;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Queue;

/**
 * One round of a resume that history alone cannot serve, from an id that carries a durable watermark: the
 * channels' durable events after it, up to the newest committed when the round begins ({@link #upTo}), read on
 * another thread while the subscriber waits, not yet a member ({@link TableResumes}).
 *
 * <p>A round reads at most {@link #MAX_ROWS} rows (by default) and {@link #MAX_BYTES} of payload, so a client far
 * behind costs bounded memory: when there is more ({@link #more}), the client is sent what was read and the next
 * round starts from there once its queue is written out.
 *
 * <p>Fields are written by the reading thread and read by the listener thread after the round is handed over
 * through the completed queue.
 */
final class DurableResume implements Runnable {

    /** Rows a round reads at most by default (whole batches: at least one). */
    static final int MAX_ROWS = 10_000;
    /** Payload bytes a round stops at (at least one batch, whatever its size). */
    static final long MAX_BYTES = 16L << 20;

    final Move move;
    /** The client's watermark for this round: it has every durable event of its channels at or below it. */
    final long after;
    /** The last delivery position when the round began: later events come from history. */
    final long sequence;
    /** Per channel (in the move's order), what history alone could give when the resume began; null after the first round. */
    final List<History.Replay> replays;
    private final DurableReader reader;
    private final Queue<DurableResume> completed;
    private final int maxRows;
    /** The newest durable position read: at or above the release watermark when the round began. */
    private long upTo;
    private List<DurableRow> rows = List.of();
    private boolean more;
    private String gapReason;
    private boolean failed;

    DurableResume(Move move, long after, long upTo, long sequence, List<History.Replay> replays, DurableReader reader,
            Queue<DurableResume> completed, int maxRows) {
        this.move = move;
        this.after = after;
        this.upTo = upTo;
        this.sequence = sequence;
        this.replays = replays;
        this.reader = reader;
        this.completed = completed;
        this.maxRows = maxRows;
    }

    /** The next round, from where this one ended. */
    DurableResume next(long watermark, long sequence) {
        return new DurableResume(move, Math.max(after, upTo), Math.max(0, watermark), sequence, null, reader, completed,
                maxRows);
    }

    @Override
    public void run() {
        try {
            upTo = Math.max(upTo, reader.newestPosition().orElse(0));
            if (upTo > after) {
                read();
                if (replays != null) {
                    OptionalLong oldest = reader.oldestPosition();
                    // Rows between the client's watermark and the oldest kept were deleted by the retention.
                    if (oldest.isEmpty() || oldest.getAsLong() > after + 1) {
                        gapReason = GapNotice.RETENTION;
                    }
                }
            }
        } catch (Exception | LinkageError e) {
            // The reader logged it; the client gets what history alone gives, as if its id carried no watermark.
            rows = List.of();
            more = false;
            failed = true;
        } finally {
            completed.add(this);
        }
    }

    private void read() throws Exception {
        List<Floor> floors = new ArrayList<>(move.channels().size());
        for (String channel : move.channels()) {
            floors.add(new Floor(channel, after));
        }
        List<DurableRow> read = new ArrayList<>();
        long from = after;
        long bytes = 0;
        while (from < upTo) {
            List<DurableRow> batch = reader.batch(floors, from, upTo);
            if (batch.isEmpty()) {
                break;
            }
            read.addAll(batch);
            from = batch.get(batch.size() - 1).position();
            for (DurableRow row : batch) {
                bytes += row.payload().length();
            }
            if (from < upTo && (read.size() >= maxRows || bytes >= MAX_BYTES)) {
                // The rest in the next round: this one covers what it read.
                upTo = from;
                more = true;
                break;
            }
        }
        rows = read;
    }

    /** Not read at all (the executor refused the work): what history alone gives. */
    void refuse() {
        failed = true;
        completed.add(this);
    }

    /** Whether the table could not be read (no schema, a failure): then history alone serves the resume. */
    boolean failed() {
        return failed;
    }

    /** Whether the round stopped at its bound with more to read. */
    boolean more() {
        return more;
    }

    /** Whether this is the resume's first round (its gaps are still to be told). */
    boolean first() {
        return replays != null;
    }

    /** The newest position the read covers. */
    long upTo() {
        return upTo;
    }

    /** The rows read, in position order. */
    List<DurableRow> rows() {
        return rows;
    }

    /** Why durable events may be missing ({@code retention}), or null. */
    String durableGap() {
        return gapReason;
    }
}
