package pgeventserv.fanout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The events one poll brought for one channel, put once per format for every client of the channel. Fan-out
 * then costs one write per client per poll, with no copy, queue node or buffer per client; a client's own queue
 * is used only while it lags.
 *
 * <p>Listener thread only. What it hands out is never changed afterwards, so writes still outstanding when the
 * next poll starts keep reading what they were given; {@link #clear} only drops the references.
 */
final class Batch {

    /** A burst larger than this does not keep its list's capacity for the next poll. */
    private static final int RETAINED_CAPACITY = 1024;

    private ArrayList<Event> events = new ArrayList<>();
    // A channel's clients use a handful of formats at most: a linear search beats a map.
    private Format[] formats = new Format[2];
    private Messages[] made = new Messages[2];
    private int madeCount;

    void add(Event event) {
        events.add(event);
    }

    boolean isEmpty() {
        return events.isEmpty();
    }

    int size() {
        return events.size();
    }

    List<Event> events() {
        return events;
    }

    /** The batch as the format puts it, made on first use in this poll; its frames follow {@link #events()}. */
    Messages messages(Format format) {
        for (int i = 0; i < madeCount; i++) {
            if (formats[i] == format) {
                return made[i];
            }
        }
        ArrayList<Frame> frames = new ArrayList<>(events.size());
        int bytes = 0;
        for (Event event : events) {
            Frame frame = frame(format, event);
            bytes += frame.bytes();
            frames.add(frame);
        }
        Messages messages = new Messages(format, frames, bytes);
        if (madeCount == formats.length) {
            formats = Arrays.copyOf(formats, madeCount * 2);
            made = Arrays.copyOf(made, madeCount * 2);
        }
        formats[madeCount] = format;
        made[madeCount++] = messages;
        return messages;
    }

    /** One event as the format puts it; a raw payload is its own message, its size known. */
    static Frame frame(Format format, Event event) {
        String text = format.message(event);
        return text == event.payload() ? Frame.of(text, event.bytes()) : Frame.of(text);
    }

    /** One event as the format puts it, for one resuming client's replay (it carries its allowance). */
    static Frame replayFrame(Format format, Event event) {
        String text = format.message(event);
        return Frame.replayed(text, text == event.payload() ? event.bytes() : Frame.utf8Length(text));
    }

    void clear() {
        if (events.size() > RETAINED_CAPACITY) {
            events = new ArrayList<>();
        } else {
            events.clear();
        }
        Arrays.fill(formats, 0, madeCount, null);
        Arrays.fill(made, 0, madeCount, null);
        madeCount = 0;
    }
}
