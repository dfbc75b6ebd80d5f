package pgeventserv.fanout;

import java.sql.SQLException;
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
    public List<DurableEvent> read(DurableReference reference) throws SQLException {
        return events.read(reference);
    }

    @Override
    public List<DurableEvent> batch(Collection<String> channels, long after, long upTo) throws SQLException {
        return events.batch(channels, after, upTo);
    }

    @Override
    public boolean absent() {
        return events.tableMissing();
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
