package pgeventserv.fanout;

import java.security.SecureRandom;

/**
 * This server's event ids. A plain notification's id is a random prefix chosen at start, a dot, the delivery
 * sequence number and, while durable events are on, a dot and the durable watermark W when it was delivered
 * (every durable event of the channel at or below W had been delivered before it). The prefix is what makes an
 * id from another server, an earlier run of this one, or garbage unmistakable for a position in this run's
 * history: only ids with this run's prefix have a position, everything else is unknown. A durable event's id is
 * {@code d<position>}, its global position in the durable events' table: the same on every instance and after
 * restarts. Either kind tells any server the durable watermark to resume from. Clients treat ids as opaque and
 * never compare them.
 */
public final class EventIds {

    /** Ids are at most this long: short enough for any header, URL or cookie. */
    public static final int MAX_LENGTH = 64;
    /** The position of an id that is not this run's; also the watermark of an id that carries none. */
    public static final long UNKNOWN = -1;
    private static final int MAX_DIGITS = 18;
    private static final char[] DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final int PREFIX_CHARACTERS = 12;

    private final String run;
    private final String prefix;

    public EventIds(String run) {
        this.run = run;
        this.prefix = run + '.';
    }

    /** A run prefix of 12 random base-36 characters (62 bits): two runs sharing one is not a practical concern. */
    public static EventIds random() {
        SecureRandom random = new SecureRandom();
        char[] run = new char[PREFIX_CHARACTERS];
        for (int i = 0; i < run.length; i++) {
            run[i] = DIGITS[random.nextInt(DIGITS.length)];
        }
        return new EventIds(new String(run));
    }

    /**
     * This run's name: what every plain id of this server begins with, up to its first dot. A load balancer that
     * learns which instance answered with which run can send a client resuming with a plain id back to the instance
     * that holds its history.
     */
    public String run() {
        return run;
    }

    String id(long position) {
        return prefix + position;
    }

    /** A plain event's id; {@code watermark} below zero when durable events are off. */
    String id(long position, long watermark) {
        return watermark < 0 ? prefix + position : prefix + position + '.' + watermark;
    }

    /** A durable event's id: global. */
    static String durableId(long durablePosition) {
        return "d" + durablePosition;
    }

    /** The position an id stands for in this run, or {@link #UNKNOWN}. */
    public long position(String id) {
        if (id == null || !id.startsWith(prefix)) {
            return UNKNOWN;
        }
        int dot = id.indexOf('.', prefix.length());
        return digits(id, prefix.length(), dot < 0 ? id.length() : dot);
    }

    /** The durable position of a durable event's id ({@code d<position>}), or {@link #UNKNOWN}. */
    static long durablePosition(String id) {
        return id != null && id.startsWith("d") ? digits(id, 1, id.length()) : UNKNOWN;
    }

    /**
     * The durable watermark an id of any run or instance carries: everything durable at or below it was delivered
     * before the event it names. {@link #UNKNOWN} when it carries none.
     */
    static long watermark(String id) {
        long durable = durablePosition(id);
        if (durable != UNKNOWN || id == null) {
            return durable;
        }
        int last = id.lastIndexOf('.');
        int before = last > 0 ? id.lastIndexOf('.', last - 1) : -1;
        if (before <= 0 || digits(id, before + 1, last) == UNKNOWN) {
            return UNKNOWN;
        }
        return digits(id, last + 1, id.length());
    }

    /** The decimal number in {@code s[from, to)}: 1 to 18 digits, nothing else; {@link #UNKNOWN} otherwise. */
    private static long digits(String s, int from, int to) {
        if (to <= from || to - from > MAX_DIGITS) {
            return UNKNOWN;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return UNKNOWN;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** Whether a client's id could be any server's: at most {@value #MAX_LENGTH} printable ASCII characters, no space. */
    public static boolean wellFormed(String id) {
        if (id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c <= ' ' || c > '~') {
                return false;
            }
        }
        return true;
    }
}
