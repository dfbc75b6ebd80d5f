package pgeventserv.listen;


/**
 * One notification payload on its way to every session of its channel: made once per notification
 * and shared by all of them, so fan-out adds no per-session copy of the payload.
 */
record Frame(String payload, int bytes) {

    static Frame of(String payload) {
        return new Frame(payload, utf8Length(payload));
    }

    /** The UTF-8 size without encoding: counted for the byte bound of each session's queue. */
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
