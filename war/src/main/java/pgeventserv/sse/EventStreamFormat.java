package pgeventserv.sse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import pgeventserv.fanout.Event;
import pgeventserv.fanout.Format;
import pgeventserv.fanout.Frame;
import pgeventserv.fanout.GapNotice;
import pgeventserv.listen.EnvelopeJson;

/**
 * A notification as an event of a {@code text/event-stream}: an {@code id:} line, the data as {@code data:}
 * lines, a blank line. One channel's stream carries the payload itself; a stream of several channels carries the
 * envelope JSON, which names the channel. A gap is {@code event: gap} with the gap JSON, without an id: it is no
 * position to resume from. Each frame is a complete event, so frames can be written back to back and a
 * keep-alive comment between two of them is harmless.
 */
enum EventStreamFormat implements Format {

    /** {@code /listen/{channel}}: the data is the payload. */
    PAYLOAD {
        @Override
        public String message(Event event) {
            return event(event.id(), event.payload());
        }
    },

    /** {@code /listen?channel=a&channel=b}: the data is the envelope JSON. */
    ENVELOPE {
        @Override
        public String message(Event event) {
            return event(event.id(), EnvelopeJson.notification(event));
        }
    };

    /** Sent first: how long a browser waits before it reconnects (and resumes). */
    static final String RETRY = "retry: 2000\n\n";
    static final String KEEP_ALIVE = ": keep-alive\n\n";

    @Override
    public String gap(GapNotice gap) {
        return named("gap", EnvelopeJson.gap(gap));
    }

    /** The last event of a stream the server ends: {@code event: error} with {@code {"type":"error","reason":...}}. */
    static String error(String reason) {
        return named("error", EnvelopeJson.error(reason));
    }

    @Override
    public int framedLength(Frame message) {
        return message.bytes();
    }

    @Override
    public void frame(Frame message, ByteBuffer out) {
        out.put(message.text().getBytes(StandardCharsets.UTF_8));
    }

    static String event(String id, String data) {
        StringBuilder out = new StringBuilder(data.length() + 32).append("id: ").append(id).append('\n');
        return data(out, data).append('\n').toString();
    }

    private static String named(String type, String data) {
        return data(new StringBuilder(data.length() + 32).append("event: ").append(type).append('\n'), data)
                .append('\n').toString();
    }

    /**
     * One {@code data:} line per line of the text, split at CR LF, LF or CR, so that a client joining them with
     * LF gets the text back (with LF for every break: the format has no way to carry a CR). The empty text is one
     * empty {@code data:} line, which an EventSource dispatches as an event with empty data.
     */
    static StringBuilder data(StringBuilder out, String text) {
        int start = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                line(out, text, start, i);
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        return line(out, text, start, n);
    }

    private static StringBuilder line(StringBuilder out, String text, int from, int to) {
        out.append("data:");
        if (to > from) {
            // The space after the colon is the one a client strips, so a line's own leading space is kept.
            out.append(' ').append(text, from, to);
        }
        return out.append('\n');
    }
}
