package pgeventserv.fanout.filter;

/**
 * Reads a payload once, in one pass, checking that it is one JSON value (RFC 8259) nested at most
 * {@value #MAX_DEPTH} arrays and objects deep, and records in {@link Values} only what lies at the {@link Paths}
 * the filters read. Keys are decoded only inside objects on a path, values copied only where a condition reads
 * them; everything else is checked and skipped. So a megabyte payload with one filtered key costs one scan of its
 * characters and no allocation, and a deeper one stops at its 65th level: it needs no stack (a {@code long}
 * remembers which open containers are objects) and cannot overflow one.
 *
 * <p>Where an object repeats a key the last one wins, as in PostgreSQL's {@code json} and {@code jsonb}: what the
 * earlier one recorded under it is forgotten. Arrays are values, never traversed by a path. Reused payload after
 * payload by its owner's thread; holds no reference to a payload between calls.
 */
final class JsonScanner {

    static final int MAX_DEPTH = 64;

    /** The path node of each open container, null when no path goes on inside it. */
    private final Paths.Node[] containers = new Paths.Node[MAX_DEPTH];
    private String s;
    private int pos;
    private int end;
    private Values values;
    /** What {@link #key} found: the node of the member's value, or null. */
    private Paths.Node next;
    /** Whether the string {@link #stringEnd} last checked has escapes. */
    private boolean escaped;

    /**
     * Reads a payload and records its values at {@code paths} in {@code values}; returns whether it is JSON
     * within the depth limit (when it is not, nothing is recorded).
     */
    boolean read(String payload, Paths paths, Values values) {
        this.s = payload;
        this.pos = 0;
        this.end = payload.length();
        this.values = values;
        values.begin(paths.capacity());
        boolean json;
        try {
            json = document(paths.root());
        } finally {
            this.s = null;
            this.values = null;
        }
        if (!json) {
            values.invalidate();
        }
        return json;
    }

    private boolean document(Paths.Node root) {
        long objects = 0; // bit d: the container at depth d (0 = outermost) is an object
        int depth = 0;
        // The node of the value about to be read (the root is the payload itself), null when off every path.
        Paths.Node node = root.hasChildren() ? root : null;
        values:
        while (true) {
            skipSpace();
            if (pos >= end) {
                return false;
            }
            char c = s.charAt(pos);
            if (c == '{' || c == '[') {
                if (depth == MAX_DEPTH) {
                    return false;
                }
                boolean object = c == '{';
                if (node != null) {
                    values.record(node.id, object ? Values.OBJECT : Values.ARRAY);
                }
                containers[depth] = object && node != null && node.hasChildren() ? node : null;
                objects = object ? objects | 1L << depth : objects & ~(1L << depth);
                depth++;
                pos++;
                skipSpace();
                if (pos < end && s.charAt(pos) == (object ? '}' : ']')) {
                    pos++;
                    depth--;
                } else if (object) {
                    if (!key(containers[depth - 1])) {
                        return false;
                    }
                    node = next;
                    continue;
                } else {
                    node = null;
                    continue;
                }
            } else if (!scalar(node)) {
                return false;
            }
            // After a value: close what it ends, or go on to the next member or element.
            while (true) {
                skipSpace();
                if (depth == 0) {
                    return pos == end;
                }
                if (pos >= end) {
                    return false;
                }
                c = s.charAt(pos++);
                boolean object = (objects >>> (depth - 1) & 1) != 0;
                if (c == ',') {
                    if (object) {
                        if (!key(containers[depth - 1])) {
                            return false;
                        }
                        node = next;
                    } else {
                        node = null;
                    }
                    continue values;
                }
                if (c != (object ? '}' : ']')) {
                    return false;
                }
                depth--;
            }
        }
    }

    /** Reads {@code "key":} inside an object whose node is {@code container} (null: no path goes on here). */
    private boolean key(Paths.Node container) {
        skipSpace();
        if (pos >= end || s.charAt(pos) != '"') {
            return false;
        }
        int close = stringEnd(pos + 1);
        if (close < 0) {
            return false;
        }
        Paths.Node child = null;
        if (container != null) {
            int from = values.free();
            int length = decode(pos + 1, close, from);
            child = container.child(values.chars(), from, length);
        }
        pos = close + 1;
        skipSpace();
        if (pos >= end || s.charAt(pos) != ':') {
            return false;
        }
        pos++;
        if (child != null && values.recorded(child.id)) {
            forget(child);
        }
        next = child;
        return true;
    }

    /** A repeated key: what its earlier value recorded, below it too, no longer counts. */
    private void forget(Paths.Node node) {
        values.forget(node.id);
        for (Paths.Node child : node.children()) {
            forget(child);
        }
    }

    /** Reads a string, number, true, false or null at {@code pos}; records it when {@code node} is not null. */
    private boolean scalar(Paths.Node node) {
        char c = s.charAt(pos);
        if (c == '"') {
            int close = stringEnd(pos + 1);
            if (close < 0) {
                return false;
            }
            if (node != null) {
                if (node.isRead()) {
                    int from = values.free();
                    values.record(node.id, Values.STRING, from, decode(pos + 1, close, from), 0, -1);
                } else {
                    values.record(node.id, Values.STRING);
                }
            }
            pos = close + 1;
            return true;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            int numberEnd = Decimal.numberEnd(s, pos, end);
            if (numberEnd < 0) {
                return false;
            }
            if (node != null) {
                recordNumber(node, pos, numberEnd - pos);
            }
            pos = numberEnd;
            return true;
        }
        if (literal("true")) {
            return recordLiteral(node, Values.TRUE, "true");
        }
        if (literal("false")) {
            return recordLiteral(node, Values.FALSE, "false");
        }
        if (literal("null")) {
            if (node != null) {
                values.record(node.id, Values.NULL);
            }
            return true;
        }
        return false;
    }

    private void recordNumber(Paths.Node node, int start, int length) {
        if (!node.isRead()) {
            values.record(node.id, Values.NUMBER);
            return;
        }
        int from = values.free();
        char[] chars = values.room(2 * length + Decimal.EXTRA_CHARS);
        s.getChars(start, start + length, chars, from);
        int numberFrom = from + length;
        int numberLength = Decimal.canonical(chars, from, length, chars, numberFrom);
        values.record(node.id, Values.NUMBER, from, length, numberFrom, numberLength);
    }

    private boolean recordLiteral(Paths.Node node, byte type, String text) {
        if (node != null) {
            if (node.isRead()) {
                int from = values.free();
                char[] chars = values.room(text.length());
                text.getChars(0, text.length(), chars, from);
                values.record(node.id, type, from, text.length(), 0, -1);
            } else {
                values.record(node.id, type);
            }
        }
        return true;
    }

    private boolean literal(String word) {
        if (s.startsWith(word, pos)) {
            pos += word.length();
            return true;
        }
        return false;
    }

    /**
     * Checks the string whose content starts at {@code from}: returns the index of its closing quote, or -1 when
     * it is not a valid JSON string (unclosed, a control character, a bad escape). Sets {@link #escaped}.
     */
    private int stringEnd(int from) {
        escaped = false;
        for (int i = from; i < end; i++) {
            char c = s.charAt(i);
            if (c == '"') {
                return i;
            }
            if (c == '\\') {
                escaped = true;
                if (++i >= end) {
                    return -1;
                }
                char e = s.charAt(i);
                if (e == 'u') {
                    if (i + 4 >= end) {
                        return -1;
                    }
                    for (int k = 1; k <= 4; k++) {
                        if (hex(s.charAt(i + k)) < 0) {
                            return -1;
                        }
                    }
                    i += 4;
                } else if ("\"\\/bfnrt".indexOf(e) < 0) {
                    return -1;
                }
            } else if (c < 0x20) {
                return -1;
            }
        }
        return -1;
    }

    /**
     * Writes the content of the checked string {@code s[from, close)}, escapes decoded, at {@code values.chars()[at]}
     * (without keeping it: the caller records it or lets it be overwritten); returns its length.
     */
    private int decode(int from, int close, int at) {
        char[] chars = values.room(close - from);
        if (!escaped) {
            s.getChars(from, close, chars, at);
            return close - from;
        }
        int out = at;
        for (int i = from; i < close; i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                chars[out++] = c;
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'b' -> chars[out++] = '\b';
                case 'f' -> chars[out++] = '\f';
                case 'n' -> chars[out++] = '\n';
                case 'r' -> chars[out++] = '\r';
                case 't' -> chars[out++] = '\t';
                case 'u' -> {
                    chars[out++] = (char) (hex(s.charAt(i + 1)) << 12 | hex(s.charAt(i + 2)) << 8
                            | hex(s.charAt(i + 3)) << 4 | hex(s.charAt(i + 4)));
                    i += 4;
                }
                default -> chars[out++] = e; // " \ /
            }
        }
        return out - at;
    }

    /** The value of an ASCII hex digit (JSON allows no other), or -1. */
    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private void skipSpace() {
        while (pos < end) {
            char c = s.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }
}
