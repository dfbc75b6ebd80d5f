package pgeventserv.fanout;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * After a LISTEN outage: every durable row committed while nothing listened, for every channel at once, from one
 * snapshot of the newest position. First which channels have any ({@link #waiting}, one query: the others need not
 * wait for the rows), then those channels' rows above their floors, in bounded batches.
 */
final class CatchUpRead extends PendingRead {

    /** Every channel the outage concerns, each with the position after which its rows are missing. */
    final List<Floor> floors;
    /** Those channels, in the same order: they wait for it. */
    final List<Channel> channels;
    private final DurableReader reader;
    private long newest = -1;
    /** The channels with rows to catch up; null until known (then every channel of {@link #floors} waits). */
    private volatile Set<String> waiting;

    CatchUpRead(List<Floor> floors, List<Channel> channels, DurableReader reader, long askedNanos) {
        super(askedNanos);
        this.floors = floors;
        this.channels = channels;
        this.reader = reader;
    }

    @Override
    List<DurableRow> read() throws Exception {
        OptionalLong snapshot = reader.newestPosition();
        if (snapshot.isEmpty()) {
            waiting = Set.of();
            return List.of();
        }
        newest = snapshot.getAsLong();
        Set<String> names = reader.waiting(floors, newest);
        waiting = names;
        List<Floor> wanted = new ArrayList<>(names.size());
        long from = Long.MAX_VALUE;
        for (Floor floor : floors) {
            if (names.contains(floor.channel())) {
                wanted.add(floor);
                from = Math.min(from, floor.after());
            }
        }
        List<DurableRow> rows = new ArrayList<>();
        while (!wanted.isEmpty() && from < newest) {
            List<DurableRow> batch = reader.batch(wanted, from, newest);
            if (batch.isEmpty()) {
                break;
            }
            rows.addAll(batch);
            from = batch.get(batch.size() - 1).position();
        }
        return rows;
    }

    /** After {@link #done()}: the newest position when it began; every row of its channels up to it is read. */
    @Override
    long upTo() {
        return newest;
    }

    /** The channels with rows to catch up, once known (possibly before the rows are read); null before. */
    Set<String> waiting() {
        return waiting;
    }
}
