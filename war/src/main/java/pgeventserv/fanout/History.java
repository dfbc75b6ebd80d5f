package pgeventserv.fanout;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A channel's recent events, so a client that comes back can be given what it missed, and the facts that say
 * whether it missed anything else. Bounded three ways: {@code HistoryMessages}, {@code HistoryBytes} and
 * {@code HistoryAge}; the oldest go first.
 *
 * <p>Continuity: every event of the channel with a position above {@link #brokenAt} was heard (the channel was
 * LISTENed without a break since then), and every one above {@link #evictedUpTo} is still here. A client whose last
 * position is above the first and at or above the second missed nothing that is not here; any other gets a gap
 * first. A client exactly at the break could have missed what was sent during it.
 *
 * <p>Listener thread only, apart from the two counts, which metrics read.
 */
final class History {

    /** The outcome of a resume: the gap to tell of first, if any, and the events to send again. */
    record Replay(String gapReason, Instant outageSince, Instant outageUntil, List<Event> events) {
    }

    private final int maxMessages;
    private final long maxBytes;
    private final long maxAgeNanos;
    private Event[] ring = new Event[16];
    private int head;
    private int size;
    private long brokenAt = Long.MAX_VALUE;
    private long evictedUpTo = -1;
    private Instant outageSince;
    private Instant outageUntil;
    private volatile int count;
    private volatile long bytes;

    History(int maxMessages, long maxBytes, long maxAgeNanos) {
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.maxAgeNanos = maxAgeNanos;
    }

    /** The channel's LISTEN is in effect: everything after {@code position} is heard from now on. */
    void listened(long position) {
        if (brokenAt == Long.MAX_VALUE) {
            brokenAt = position;
        }
    }

    boolean listened() {
        return brokenAt != Long.MAX_VALUE;
    }

    /** The LISTEN connection came back: what was sent between {@code since} and {@code until} was never heard. */
    void outage(long position, Instant since, Instant until) {
        brokenAt = position;
        outageSince = since;
        outageUntil = until;
    }

    /**
     * Durable events of the channel were released unread (a failed read): a client resuming from
     * {@code position} or before cannot be told it missed nothing.
     */
    void broken(long position) {
        brokenAt = position;
    }

    /** The delivery position of the durable event with this table position, if it is still here; else {@link EventIds#UNKNOWN}. */
    long positionOfDurable(long durablePosition) {
        for (int i = size - 1; i >= 0; i--) {
            Event e = ring[(head + i) % ring.length];
            if (e.durablePosition() == durablePosition) {
                return e.position();
            }
            if (e.durablePosition() != 0 && e.durablePosition() < durablePosition) {
                break;
            }
        }
        return EventIds.UNKNOWN;
    }

    void append(Event event) {
        if (maxMessages == 0) {
            evictedUpTo = event.position();
            return;
        }
        if (size == ring.length && size < maxMessages) {
            grow();
        }
        if (size == maxMessages) {
            evictOldest();
        }
        ring[(head + size) % ring.length] = event;
        size++;
        long b = bytes + event.bytes();
        while (b > maxBytes && size > 0) {
            b -= evictOldest();
        }
        bytes = b;
        count = size;
        evictOlderThan(event.receivedNanos());
    }

    /** Drops what is older than {@code HistoryAge} at {@code nowNanos}. */
    void evictOlderThan(long nowNanos) {
        long b = bytes;
        while (size > 0 && nowNanos - ring[head].receivedNanos() > maxAgeNanos) {
            b -= evictOldest();
        }
        bytes = b;
        count = size;
    }

    /**
     * What a client whose last event was at {@code position} ({@link EventIds#UNKNOWN} when its id is not this
     * run's) must get: a gap unless continuity is proven, then every event held that is newer, in order.
     */
    Replay since(long position, long nowNanos) {
        evictOlderThan(nowNanos);
        if (position == EventIds.UNKNOWN) {
            return new Replay(GapNotice.UNKNOWN, null, null, List.of());
        }
        String gap = null;
        if (position <= brokenAt) {
            gap = outageUntil != null ? GapNotice.OUTAGE : GapNotice.HISTORY;
        } else if (position < evictedUpTo) {
            gap = GapNotice.HISTORY;
        }
        List<Event> newer = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            Event e = ring[(head + i) % ring.length];
            if (e.position() > position) {
                newer.add(e);
            }
        }
        return GapNotice.OUTAGE.equals(gap)
                ? new Replay(gap, outageSince, outageUntil, newer)
                : new Replay(gap, null, null, newer);
    }

    /** Whether events after {@code position} have been dropped (by the bounds), so {@link #since} would miss some. */
    boolean evictedAfter(long position) {
        return position < evictedUpTo;
    }

    /** Events held now. */
    int count() {
        return count;
    }

    /** Their payloads' UTF-8 bytes. */
    long bytes() {
        return bytes;
    }

    private int evictOldest() {
        Event oldest = ring[head];
        ring[head] = null;
        head = (head + 1) % ring.length;
        size--;
        evictedUpTo = oldest.position();
        return oldest.bytes();
    }

    private void grow() {
        Event[] bigger = new Event[Math.min(ring.length * 2, maxMessages)];
        for (int i = 0; i < size; i++) {
            bigger[i] = ring[(head + i) % ring.length];
        }
        Arrays.fill(ring, null);
        ring = bigger;
        head = 0;
    }
}
