package pgeventserv.fanout;

/**
 * One message on its way to the clients of a format: made once per notification and format, shared by every
 * client that gets it, so fan-out adds no per-client copy. Its UTF-8 size is counted against each client's bound.
 */
public final class Frame {

    private final String text;
    private final int bytes;

    private Frame(String text, int bytes) {
        this.text = text;
        this.bytes = bytes;
    }

    public static Frame of(String text) {
        return new Frame(text, utf8Length(text));
    }

    /** A text whose UTF-8 size is known already (a raw payload is its own message). */
    static Frame of(String text, int bytes) {
        return new Frame(text, bytes);
    }

    public String text() {
        return text;
    }

    /** The text's UTF-8 size. */
    public int bytes() {
        return bytes;
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
