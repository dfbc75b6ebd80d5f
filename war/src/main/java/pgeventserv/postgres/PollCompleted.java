package pgeventserv.postgres;

/**
 * Fired on the listener thread after each poll of the connection, once the notifications it returned (if
 * any) have been fired: observers can batch work per poll, such as writing everything queued for a client
 * in one go.
 */
public final class PollCompleted {

    static final PollCompleted INSTANCE = new PollCompleted();

    private PollCompleted() {
    }
}
