package pgeventserv.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import pgeventserv.fanout.EventIds;
import pgeventserv.fanout.Fanout;
import pgeventserv.fanout.Farewell;
import pgeventserv.fanout.Format;
import pgeventserv.fanout.Frame;
import pgeventserv.fanout.GapNotice;
import pgeventserv.fanout.HistoryLimits;
import pgeventserv.fanout.Limits;
import pgeventserv.fanout.Messages;
import pgeventserv.fanout.Notification;
import pgeventserv.fanout.Subscriptions;
import pgeventserv.fanout.Writer;

/**
 * Events as the fan-out puts them for an event stream, read back as an {@code EventSource} reads them
 * ({@link #dispatched}: the HTML standard's parsing, lines split at CR LF, LF or CR, data lines joined with LF).
 */
class EventStreamFormatTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    @Test
    void payloadWithLfBreaksIsOneDataLinePerLineAndComesBackIntact() {
        String event = EventStreamFormat.event("r.7", "first\nsecond\n\nlast");
        assertEquals("id: r.7\ndata: first\ndata: second\ndata:\ndata: last\n\n", event);
        assertEquals(List.of(new Dispatched("message", "r.7", "first\nsecond\n\nlast")), dispatched(event));
    }

    @Test
    void crLfAndCrBreakLinesAsLfDoesAndComeBackAsLf() {
        String event = EventStreamFormat.event("r.8", "a\r\nb\rc\n\r\nd\r");
        assertEquals("id: r.8\ndata: a\ndata: b\ndata: c\ndata:\ndata: d\ndata:\n\n", event);
        assertEquals("a\nb\nc\n\nd\n", dispatched(event).get(0).data());
    }

    @Test
    void emptyPayloadIsOneEmptyDataLineAndStillAnEvent() {
        String event = EventStreamFormat.event("r.9", "");
        assertEquals("id: r.9\ndata:\n\n", event);
        assertEquals(List.of(new Dispatched("message", "r.9", "")), dispatched(event));
    }

    @Test
    void leadingSpacesAndColonsOfALineAreKept() {
        String payload = " indented\n: not a comment\ndata: not a field";
        assertEquals(payload, dispatched(EventStreamFormat.event("r.1", payload)).get(0).data());
    }

    @Test
    void multiByte7999BytePayloadIsFramedAsItsUtf8BytesAndComesBackIntact() {
        String payload = "ü日🎉".repeat(888) + "x".repeat(7);
        assertEquals(7999, payload.getBytes(StandardCharsets.UTF_8).length);
        Frame frame = Frame.of(EventStreamFormat.event("r.2", payload));
        ByteBuffer out = ByteBuffer.allocate(EventStreamFormat.PAYLOAD.framedLength(frame));
        EventStreamFormat.PAYLOAD.frame(frame, out);
        assertFalse(out.hasRemaining(), "framedLength is what frame writes");
        String onTheWire = new String(out.array(), StandardCharsets.UTF_8);
        assertEquals(List.of(new Dispatched("message", "r.2", payload)), dispatched(onTheWire));
    }

    @Test
    void singleChannelEventsCarryTheRawPayloadWithTheirId() throws Exception {
        Recorder stream = subscribed(EventStreamFormat.PAYLOAD, List.of("people"), null);
        stream.fanout.deliver(Notification.plain("people", "{\"name\": \"Ann\"}\nline two"));
        stream.fanout.pollEnded();
        List<Dispatched> events = stream.dispatched();
        assertEquals(1, events.size());
        assertEquals("{\"name\": \"Ann\"}\nline two", events.get(0).data());
        assertTrue(events.get(0).id().matches("[!-~]{1,64}"), "an id of printable ASCII: " + events.get(0).id());
    }

    @Test
    void multiChannelEventsCarryTheEnvelopeJsonInDeliveryOrder() throws Exception {
        Recorder stream = subscribed(EventStreamFormat.ENVELOPE, List.of("a", "b"), null);
        stream.fanout.deliver(Notification.plain("b", "one\r\ntwo"));
        stream.fanout.deliver(Notification.plain("a", ""));
        stream.fanout.deliver(Notification.plain("b", "three"));
        stream.fanout.pollEnded();
        List<Dispatched> events = stream.dispatched();
        assertEquals(3, events.size());
        String[][] expected = {{"b", "one\r\ntwo"}, {"a", ""}, {"b", "three"}};
        for (int i = 0; i < expected.length; i++) {
            JsonObject json = parse(events.get(i).data());
            assertEquals("notification", json.getString("type"));
            assertEquals(expected[i][0], json.getString("channel"));
            assertEquals(expected[i][1], json.getString("payload"), "the envelope carries CR exactly");
            assertEquals(events.get(i).id(), json.getString("id"), "the id line and the JSON agree");
        }
    }

    @Test
    void gapIsANamedEventWithTheGapJsonAndNoId() {
        String event = EventStreamFormat.PAYLOAD.gap(new GapNotice("people", GapNotice.OUTAGE, null,
                Instant.parse("2026-01-01T10:00:00Z"), Instant.parse("2026-01-01T10:00:05Z")));
        assertFalse(event.contains("id:"), "a gap is no position to resume from: " + event);
        List<Dispatched> events = dispatched(event);
        assertEquals(1, events.size());
        assertEquals("gap", events.get(0).type());
        JsonObject gap = parse(events.get(0).data());
        assertEquals("gap", gap.getString("type"));
        assertEquals("people", gap.getString("channel"));
        assertEquals("outage", gap.getString("reason"));
        assertEquals("2026-01-01T10:00:00Z", gap.getString("since"));
        assertEquals("2026-01-01T10:00:05Z", gap.getString("until"));
        assertFalse(gap.containsKey("lastEventId"), "absent fields are left out");
    }

    @Test
    void resumingFromAForeignIdGetsAGapNamingIt() throws Exception {
        Recorder stream = subscribed(EventStreamFormat.ENVELOPE, List.of("a"), "another-server.42");
        List<Dispatched> events = stream.dispatched();
        assertEquals(1, events.size(), events.toString());
        assertEquals("gap", events.get(0).type());
        JsonObject gap = parse(events.get(0).data());
        assertEquals(GapNotice.UNKNOWN, gap.getString("reason"));
        assertEquals("another-server.42", gap.getString("lastEventId"));
    }

    @Test
    void errorIsANamedEventWithTheReason() {
        List<Dispatched> events = dispatched(EventStreamFormat.error("too slow: more than 2 messages"));
        assertEquals("error", events.get(0).type());
        JsonObject error = parse(events.get(0).data());
        assertEquals("error", error.getString("type"));
        assertEquals("too slow: more than 2 messages", error.getString("reason"));
    }

    @Test
    void retryAndKeepAliveDispatchNothing() {
        assertEquals(List.of(), dispatched(EventStreamFormat.RETRY + EventStreamFormat.KEEP_ALIVE));
        assertTrue(EventStreamFormat.RETRY.startsWith("retry: 2000\n"));
    }

    private static JsonObject parse(String json) {
        return Json.createReader(new StringReader(json)).readObject();
    }

    record Dispatched(String type, String id, String data) {
    }

    /** The HTML standard's event-stream interpretation, as an EventSource applies it. */
    static List<Dispatched> dispatched(String stream) {
        List<Dispatched> events = new ArrayList<>();
        String type = "";
        String lastId = "";
        StringBuilder data = new StringBuilder();
        for (String line : stream.split("\r\n|\r|\n", -1)) {
            if (line.isEmpty()) {
                if (!data.isEmpty()) {
                    data.setLength(data.length() - 1);
                    events.add(new Dispatched(type.isEmpty() ? "message" : type, lastId, data.toString()));
                }
                data.setLength(0);
                type = "";
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "data" -> data.append(value).append('\n');
                case "event" -> type = value;
                case "id" -> lastId = value;
                default -> {
                }
            }
        }
        return events;
    }

    /** A subscriber of a real fan-out, LISTENed at once, writing to a recording writer. */
    private Recorder subscribed(Format format, List<String> channels, String lastEventId) {
        Subscriptions registry = new Subscriptions(new Limits(100, 1 << 20),
                new HistoryLimits(100, 1 << 20, Duration.ofMinutes(5)), 10, 10_000,
                channel -> CompletableFuture.completedFuture(null), channel -> { }, 1_000_000_000L);
        Fanout fanout = new Fanout(registry, EventIds.random());
        Recorder recorder = new Recorder(fanout);
        registry.subscribe(channels, format, format == EventStreamFormat.ENVELOPE, lastEventId).attach(recorder);
        fanout.pollEnded();
        return recorder;
    }

    private static final class Recorder implements Writer {
        final Fanout fanout;
        final List<String> written = Collections.synchronizedList(new ArrayList<>());

        Recorder(Fanout fanout) {
            this.fanout = fanout;
        }

        List<Dispatched> dispatched() {
            return EventStreamFormatTest.dispatched(String.join("", written));
        }

        @Override
        public boolean writable() {
            return true;
        }

        @Override
        public void write(Messages messages) {
            ByteBuffer framed = messages.framed();
            byte[] bytes = new byte[framed.remaining()];
            framed.get(bytes);
            written.add(new String(bytes, StandardCharsets.UTF_8));
        }

        @Override
        public boolean keepAlive() {
            return true;
        }

        @Override
        public void close(Farewell farewell) {
        }
    }
}
