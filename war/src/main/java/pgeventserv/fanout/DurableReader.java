package pgeventserv.fanout;

import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import pgeventserv.postgres.DurableEvent;
import pgeventserv.postgres.DurableReference;

/**
 * Where the fan-out reads durable events from: {@code pg_eventserv.events} in the server ({@link TableReader}), a
 * fake in tests. Called off the listener thread only; a failure is thrown, and becomes a gap.
 */
public interface DurableReader {

    /** The rows in a reference's range, of every channel, in position order. */
    List<DurableEvent> read(DurableReference reference) throws Exception;

    /**
     * The next batch of rows of these channels with {@code after < position <= upTo}, in position order (bounded in
     * rows and bytes; at least one row when there is any); empty when there are none.
     */
    List<DurableEvent> batch(Collection<String> channels, long after, long upTo) throws Exception;

    /** Whether the table is known not to exist (never installed, or dropped): nothing need be asked of it. */
    boolean absent();

    /** The oldest position still stored; empty when nothing is. */
    OptionalLong oldestPosition() throws Exception;

    /** The newest position committed; empty when nothing is stored. */
    OptionalLong newestPosition() throws Exception;
}
