package pgeventserv.fanout;

/**
 * Fired on the listener thread after each poll of the LISTEN connection, once the poll's notifications (if any)
 * have been fired: the fan-out does its per-poll work then (releases, joins, one write per client).
 */
public final class PollEnd {

    public static final PollEnd INSTANCE = new PollEnd();

    private PollEnd() {
    }
}
