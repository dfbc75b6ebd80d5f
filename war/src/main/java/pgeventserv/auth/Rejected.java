package pgeventserv.auth;

/**
 * A token or a channel refused, with a message fit for the client and the logs: it never contains the token.
 */
public final class Rejected extends Exception {

    private final Denial denial;

    public Rejected(Denial denial, String message) {
        super(message, null, false, false);
        this.denial = denial;
    }

    public Denial denial() {
        return denial;
    }
}
