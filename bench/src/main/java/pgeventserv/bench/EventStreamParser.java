package pgeventserv.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads a {@code text/event-stream} body (the HTML "server-sent events" format) incrementally, as bytes arrive
 * in whatever pieces: lines end in CR LF, LF or CR; {@code :} starts a comment; a blank line dispatches the event.
 * Of an unnamed event's data it reads what a bench payload starts with, {@code <send time in epoch microseconds>
 * <sequence number>}; it keeps the last {@code id:} (to resume from) and counts named events (a gap, an error)
 * apart. Everything else of a data line is skipped without being kept.
 *
 * <p>Not thread-safe: owned by the one selector thread of its connection. Allocates nothing per event.
 */
final class EventStreamParser {

    /** Told of each unnamed event with data; {@code sentMicros} and {@code sequence} are -1 when absent. */
    interface Events {
        void event(long sentMicros, long sequence);
    }

    private static final int LINE_START = 0;
    private static final int FIELD = 1;
    private static final int VALUE_FIRST = 2;
    private static final int VALUE = 3;
    private static final int COMMENT = 4;

    private static final int DATA = 0;
    private static final int ID = 1;
    private static final int EVENT = 2;
    private static final int OTHER = 3;

    private static final int MAX_ID = 128;

    private final Events events;
    private final boolean readNumbers;
    private int state = LINE_START;
    private boolean afterCr;

    private final byte[] field = new byte[8];
    private int fieldLength;
    private int fieldKind;

    private final byte[] pendingId = new byte[MAX_ID];
    private int pendingIdLength;
    private final byte[] lastId = new byte[MAX_ID];
    private int lastIdLength = -1;

    private final byte[] eventName = new byte[16];
    private int eventNameLength;
    private boolean named;

    private boolean hasData;
    private int dataLines;
    private long dataLength;
    private long lastDataLength;
    /** 0 reading the send time, 1 the sequence number, 2 done with the first data line. */
    private int numberPart;
    private long sentMicros;
    private long sequence;
    private int sequenceDigits;

    private long dispatched;
    private long namedEvents;
    private long comments;

    EventStreamParser(Events events) {
        this(events, true);
    }

    /** Without {@code readNumbers}, every event's send time and sequence are -1 and its data is skipped unread. */
    EventStreamParser(Events events, boolean readNumbers) {
        this.events = events;
        this.readNumbers = readNumbers;
        numberPart = readNumbers ? 0 : 2;
    }

    /** Consumes every byte of {@code in}. */
    void feed(ByteBuffer in) {
        while (in.hasRemaining()) {
            if (state == COMMENT || state == VALUE && (fieldKind == OTHER
                    || fieldKind == DATA && (dataLines > 1 || numberPart == 2))) {
                skipLine(in);
            }
            if (in.hasRemaining()) {
                take(in.get());
            }
        }
    }

    /** The rest of the line holds nothing to read: skipped (data counted) up to its end, not taken byte by byte. */
    private void skipLine(ByteBuffer in) {
        int i = in.position();
        int end = in.limit();
        while (i < end) {
            byte b = in.get(i);
            if (b == '\n' || b == '\r') {
                break;
            }
            i++;
        }
        if (state == VALUE && fieldKind == DATA) {
            dataLength += i - in.position();
        }
        in.position(i);
    }

    private void take(byte b) {
        if (afterCr) {
            afterCr = false;
            if (b == '\n') {
                return;
            }
        }
        if (b == '\r') {
            afterCr = true;
            endLine();
            return;
        }
        if (b == '\n') {
            endLine();
            return;
        }
        switch (state) {
            case LINE_START -> {
                if (b == ':') {
                    comments++;
                    state = COMMENT;
                } else {
                    fieldLength = 0;
                    state = FIELD;
                    fieldByte(b);
                }
            }
            case FIELD -> fieldByte(b);
            case VALUE_FIRST -> {
                state = VALUE;
                if (b != ' ') {
                    value(b);
                }
            }
            case VALUE -> value(b);
            default -> {
                // a comment: skipped
            }
        }
    }

    private void fieldByte(byte b) {
        if (b == ':') {
            beginValue();
            state = VALUE_FIRST;
        } else if (fieldLength < field.length) {
            field[fieldLength++] = b;
        } else {
            // longer than any field this parser knows: a full buffer matches none of them
            fieldLength = field.length;
        }
    }

    private void beginValue() {
        fieldKind = same(field, fieldLength, "data") ? DATA : same(field, fieldLength, "id") ? ID
                : same(field, fieldLength, "event") ? EVENT : OTHER;
        switch (fieldKind) {
            case DATA -> {
                if (hasData) {
                    dataLength++;
                }
                hasData = true;
                dataLines++;
            }
            case ID -> pendingIdLength = 0;
            case EVENT -> eventNameLength = 0;
            default -> {
                // retry and unknown fields: nothing to keep
            }
        }
    }

    private static boolean same(byte[] bytes, int length, String name) {
        if (length != name.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (bytes[i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void value(byte b) {
        switch (fieldKind) {
            case DATA -> {
                dataLength++;
                if (dataLines == 1) {
                    number(b);
                }
            }
            case ID -> {
                if (pendingIdLength < MAX_ID) {
                    pendingId[pendingIdLength++] = b;
                }
            }
            case EVENT -> {
                if (eventNameLength < eventName.length) {
                    eventName[eventNameLength++] = b;
                }
            }
            default -> {
                // nothing to keep
            }
        }
    }

    private void number(byte b) {
        int d = b - '0';
        boolean digit = d >= 0 && d <= 9;
        if (numberPart == 0) {
            if (digit) {
                sentMicros = sentMicros * 10 + d;
            } else {
                numberPart = b == ' ' ? 1 : 2;
            }
        } else if (numberPart == 1) {
            if (digit) {
                sequence = sequence * 10 + d;
                sequenceDigits++;
            } else {
                numberPart = 2;
            }
        }
    }

    private void endLine() {
        switch (state) {
            case LINE_START -> dispatch();
            case FIELD -> {
                // a field name alone: its value is empty
                beginValue();
                endValue();
            }
            case VALUE_FIRST, VALUE -> endValue();
            default -> {
                // end of a comment
            }
        }
        state = LINE_START;
    }

    private void endValue() {
        if (fieldKind == ID) {
            System.arraycopy(pendingId, 0, lastId, 0, pendingIdLength);
            lastIdLength = pendingIdLength;
        } else if (fieldKind == EVENT) {
            named = eventNameLength > 0 && !same(eventName, eventNameLength, "message");
        }
    }

    private void dispatch() {
        if (hasData) {
            lastDataLength = dataLength;
            if (named) {
                namedEvents++;
            } else {
                dispatched++;
                events.event(sentMicros > 0 ? sentMicros : -1, sequenceDigits > 0 ? sequence : -1);
            }
        }
        hasData = false;
        dataLines = 0;
        dataLength = 0;
        numberPart = readNumbers ? 0 : 2;
        sentMicros = 0;
        sequence = 0;
        sequenceDigits = 0;
        named = false;
    }

    /** Unnamed events with data so far. */
    long events() {
        return dispatched;
    }

    /** Events with an {@code event:} name other than {@code message}: a gap or an error. */
    long namedEvents() {
        return namedEvents;
    }

    long comments() {
        return comments;
    }

    /** The data length of the latest event, its lines joined with LF. */
    long lastDataLength() {
        return lastDataLength;
    }

    /** The latest {@code id:} value, or null before any. */
    String lastId() {
        return lastIdLength < 0 ? null : new String(lastId, 0, lastIdLength, StandardCharsets.UTF_8);
    }
}
