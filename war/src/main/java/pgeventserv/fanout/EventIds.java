package pgeventserv.fanout;

import java.security.SecureRandom;

/**
 * This server's event ids: a random prefix chosen at start, a dot, and the delivery sequence number. The prefix
 * is what makes an id from another server, an earlier run of this one, or garbage unmistakable for a position in
 * this run's history: only ids with this run's prefix have a position, everything else is unknown. Clients treat
 * ids as opaque and never compare them.
 */
public final class EventIds {

    /** Ids are at most this long: short enough for any header, URL or cookie. */
    public static final int MAX_LENGTH = 64;
    /** The position of an id that is not this run's. */
    public static final long UNKNOWN = -1;
    private static final char[] DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final int PREFIX_CHARACTERS = 12;

    private final String prefix;

    public EventIds(String run) {
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

    String id(long position) {
        return prefix + position;
    }

    /** The position an id stands for in this run, or {@link #UNKNOWN}. */
    public long position(String id) {
        if (id == null || !id.startsWith(prefix) || id.length() == prefix.length() || id.length() > prefix.length() + 18) {
            return UNKNOWN;
        }
        long position = 0;
        for (int i = prefix.length(); i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < '0' || c > '9') {
                return UNKNOWN;
            }
            position = position * 10 + (c - '0');
        }
        return position;
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
