package pgeventserv.fanout;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import pgeventserv.postgres.DurableEvent;
import pgeventserv.postgres.DurableEvents;
import pgeventserv.postgres.DurableReference;

/** Durable events as {@code pg_eventserv.events} holds them, read batch by batch. */
final class TableReader implements DurableReader {

    private final DurableEvents events;

    TableReader(DurableEvents events) {
        this.events = events;
    }

    @Override
    public List<DurableEvent> read(String channel, DurableReference reference) throws SQLException {
        return events.read(channel, reference);
    }

    @Override
    public List<DurableEvent> between(Collection<String> channels, long after, long upTo) throws SQLException {
        List<DurableEvent> all = new ArrayList<>();
        long from = after;
        while (from < upTo) {
            List<DurableEvent> batch = events.batch(channels, from, upTo);
            if (batch.isEmpty()) {
                break;
            }
            all.addAll(batch);
            from = batch.get(batch.size() - 1).position();
        }
        return all;
    }

    @Override
    public OptionalLong oldestPosition() throws SQLException {
        return events.oldestPosition();
    }

    @Override
    public OptionalLong newestPosition() throws SQLException {
        return events.newestPosition();
    }
}
