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

    /** The rows of the channel that a reference names, in position order. */
    List<DurableEvent> read(String channel, DurableReference reference) throws Exception;

    /** The rows of these channels with {@code after < position <= upTo}, in position order. */
    List<DurableEvent> between(Collection<String> channels, long after, long upTo) throws Exception;

    /** The oldest position still stored; empty when nothing is. */
    OptionalLong oldestPosition() throws Exception;

    /** The newest position committed; empty when nothing is stored. */
    OptionalLong newestPosition() throws Exception;
}
