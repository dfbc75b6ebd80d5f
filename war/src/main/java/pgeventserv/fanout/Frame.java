package pgeventserv.fanout;

/**
 * One message on its way to the clients of a format: made once per notification and format, shared by every
 * client that gets it, so fan-out adds no per-client copy. Its UTF-8 size is counted against each client's bound,
 * except for a frame made for one resuming client's replay, which carries its own allowance ({@link Outbox}).
 */
public final class Frame {

    private final String text;
    private final int bytes;
    private final boolean replayed;

    private Frame(String text, int bytes, boolean replayed) {
        this.text = text;
        this.bytes = bytes;
        this.replayed = replayed;
    }

    public static Frame of(String text) {
        return new Frame(text, utf8Length(text), false);
    }

    /** A text whose UTF-8 size is known already (a raw payload is its own message). */
    static Frame of(String text, int bytes) {
        return new Frame(text, bytes, false);
    }

    /** A message of one client's replay: within the history's bounds, not the queue's. */
    static Frame replayed(String text, int bytes) {
        return new Frame(text, bytes, true);
    }

    public String text() {
        return text;
    }

    /** The text's UTF-8 size. */
    public int bytes() {
        return bytes;
    }

    /** Whether it is part of a replay and carries its allowance. */
    boolean allowed() {
        return replayed;
    }

    /** The UTF-8 size without encoding. */
    static int utf8Length(String s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    bytes += 2;
                    i++;
                } else {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }
}
