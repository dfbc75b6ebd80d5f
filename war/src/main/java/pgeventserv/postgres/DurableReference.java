package pgeventserv.postgres;

import java.util.Optional;

/**
 * What the NOTIFY of a durable event says: "rows first..last of this channel are committed". The payload is
 * {@code U+001E "pg_eventserv durable " first "-" last}, sent by sql/pg_eventserv.sql once per committing
 * transaction and channel; the record separator in front keeps it apart from any payload people send by hand.
 * Positions inside the range may belong to other channels: read them with the channel.
 */
public record DurableReference(long first, long last) {

    static final String PREFIX = "\u001Epg_eventserv durable ";

    /** The reference a payload carries, or empty for a plain payload; cheap for plain ones (one char compared). */
    public static Optional<DurableReference> parse(String payload) {
        if (payload.isEmpty() || payload.charAt(0) != '\u001E' || !payload.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int dash = payload.indexOf('-', PREFIX.length());
        if (dash < 0) {
            return Optional.empty();
        }
        long first = position(payload, PREFIX.length(), dash);
        long last = position(payload, dash + 1, payload.length());
        return first > 0 && last >= first ? Optional.of(new DurableReference(first, last)) : Optional.empty();
    }

    public String payload() {
        return PREFIX + first + "-" + last;
    }

    /** Digits only, at most 18 of them (no overflow); -1 for anything else. */
    private static long position(String s, int from, int to) {
        if (to <= from || to - from > 18) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
