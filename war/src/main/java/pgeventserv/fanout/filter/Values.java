package pgeventserv.fanout.filter;

import java.util.Arrays;

/**
 * What one payload holds at the paths a set of filters reads: per path node (by {@link Paths.Node#id}) the type of
 * its value and, for a scalar a condition reads, its text (a string decoded, a number or {@code true}/{@code false}
 * as written) and a number's canonical {@link Decimal}, all in one reused character buffer. A value counts only
 * when it was recorded for the current payload (its stamp), so nothing is cleared between payloads, however many
 * paths there are. Reused payload after payload by one thread, its owner's: it allocates only to grow, and gives
 * back a buffer a very large payload made it grow.
 */
final class Values {

    static final byte MISSING = 0;
    static final byte NULL = 1;
    static final byte TRUE = 2;
    static final byte FALSE = 3;
    static final byte NUMBER = 4;
    static final byte STRING = 5;
    static final byte OBJECT = 6;
    static final byte ARRAY = 7;

    /** Buffers grown beyond this many characters by one payload are let go after it. */
    private static final int KEPT_CHARS = 1 << 16;
    private static final int FIRST_CHARS = 256;

    private int stamp = 1;
    private int[] stamps = new int[8];
    private byte[] types = new byte[8];
    private int[] textFrom = new int[8];
    private int[] textLength = new int[8];
    private int[] numberFrom = new int[8];
    private int[] numberLength = new int[8];
    private char[] chars = new char[FIRST_CHARS];
    private int used;
    private long[] scratch = new long[0];

    static boolean isScalar(byte type) {
        return type >= TRUE && type <= STRING;
    }

    /** Starts a payload: nothing recorded, room for nodes with ids below {@code nodes}. */
    void begin(int nodes) {
        if (nodes > stamps.length) {
            int length = Math.max(nodes, stamps.length * 2);
            stamps = Arrays.copyOf(stamps, length);
            types = Arrays.copyOf(types, length);
            textFrom = Arrays.copyOf(textFrom, length);
            textLength = Arrays.copyOf(textLength, length);
            numberFrom = Arrays.copyOf(numberFrom, length);
            numberLength = Arrays.copyOf(numberLength, length);
        }
        invalidate();
        used = 0;
    }

    /** Forgets everything recorded for this payload (it turned out not to be JSON). */
    void invalidate() {
        if (++stamp == Integer.MAX_VALUE) {
            Arrays.fill(stamps, 0);
            stamp = 1;
        }
    }

    /** After a payload: lets a buffer a very large one grew go. */
    void end() {
        if (chars.length > KEPT_CHARS) {
            chars = new char[FIRST_CHARS];
        }
    }

    boolean recorded(int node) {
        return stamps[node] == stamp;
    }

    void forget(int node) {
        stamps[node] = 0;
    }

    /** Records a value without text (null, object, array, or a scalar no condition reads). */
    void record(int node, byte type) {
        record(node, type, 0, 0, 0, -1);
    }

    /**
     * Records a value whose text is {@code chars()[from, from + length)}, and whose canonical number is
     * {@code chars()[numberFrom, numberFrom + numberLength)} ({@code numberLength} -1 for none), and keeps that
     * text (it moves {@link #free()} past it).
     */
    void record(int node, byte type, int from, int length, int numberFrom, int numberLength) {
        stamps[node] = stamp;
        types[node] = type;
        textFrom[node] = from;
        textLength[node] = length;
        this.numberFrom[node] = numberFrom;
        this.numberLength[node] = numberLength;
        used = Math.max(used, numberLength >= 0 ? numberFrom + numberLength : from + length);
    }

    byte type(int node) {
        return stamps[node] == stamp ? types[node] : MISSING;
    }

    char[] chars() {
        return chars;
    }

    int textFrom(int node) {
        return textFrom[node];
    }

    int textLength(int node) {
        return textLength[node];
    }

    int numberFrom(int node) {
        return numberFrom[node];
    }

    /** -1 unless the value is a number that compares as a number. */
    int numberLength(int node) {
        return stamps[node] == stamp && types[node] == NUMBER ? numberLength[node] : -1;
    }

    /** Where unused room begins in {@link #chars()}. */
    int free() {
        return used;
    }

    /** Makes room for {@code more} characters after {@link #free()}; returns the (possibly new) buffer. */
    char[] room(int more) {
        if (used + more > chars.length) {
            chars = Arrays.copyOf(chars, Math.max(used + more, chars.length * 2));
        }
        return chars;
    }

    /** A scratch array of at least {@code words} longs (for long {@code like} patterns). */
    long[] scratch(int words) {
        if (scratch.length < words) {
            scratch = new long[words];
        }
        return scratch;
    }
}
