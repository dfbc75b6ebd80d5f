package pgeventserv.fanout.filter;

/**
 * A filter that cannot be read, or is over a bound. The message names the condition and what is wrong with it
 * and is fit to send back to the client (a transport answers 400 with it, or {@code refused} with status 400).
 */
public final class FilterException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** Conditions longer than this are shown shortened in messages. */
    private static final int SHOWN = 80;

    private final String condition;

    FilterException(String condition, String problem) {
        super(condition == null ? problem : "filter '" + shorten(condition) + "': " + problem);
        this.condition = condition;
    }

    /** The condition at fault as the client wrote it, or null when the fault is the list as a whole. */
    public String condition() {
        return condition;
    }

    private static String shorten(String condition) {
        return condition.length() <= SHOWN ? condition : condition.substring(0, SHOWN) + "…";
    }
}
