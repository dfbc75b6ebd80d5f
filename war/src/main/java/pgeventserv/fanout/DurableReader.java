package pgeventserv.fanout;

import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The port to the durable events' table: implemented by the database side, faked in tests. Called off the listener
 * thread only (reads block); a failure is thrown and becomes a gap for the clients concerned.
 */
public interface DurableReader {

    /**
     * The rows one committed transaction gave positions {@code first..last}, of every channel, in position order,
     * when a hint on {@code channel} from the session {@code sender} names them truly: rows at {@code first} and
     * {@code last} exist, belong to {@code channel} and to one transaction, committed by that session. Null when they
     * do not (a forged, absurd or foreign hint): then nothing is read beyond that check, however wide the range.
     */
    List<DurableRow> transaction(String channel, long first, long last, int sender) throws Exception;

    /**
     * The next rows of these channels above their floors, {@code after < position <= upTo}, in position order; a
     * bounded batch (at least one row when there is any), empty when there is none. Read on from the last row's
     * position.
     */
    List<DurableRow> batch(List<Floor> channels, long after, long upTo) throws Exception;

    /** Which of these channels have a row above their floor and at most {@code upTo}: one query for all. */
    Set<String> waiting(List<Floor> channels, long upTo) throws Exception;

    /** The newest position committed; empty when nothing is stored. */
    OptionalLong newestPosition() throws Exception;

    /** The oldest position still stored; empty when nothing is. */
    OptionalLong oldestPosition() throws Exception;

    /** Whether the table is known not to exist (never installed, or dropped): nothing need be asked of it. */
    boolean absent();
}
