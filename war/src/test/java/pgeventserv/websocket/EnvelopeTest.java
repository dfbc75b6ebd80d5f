package pgeventserv.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import pgeventserv.fanout.Event;
import pgeventserv.fanout.EventIds;
import pgeventserv.fanout.GapNotice;

class EnvelopeTest {

    private static JsonObject parse(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    @Test
    void notificationCarriesChannelAndTheRawPayloadAsAString() {
        String payload = "{\"a\": 1}\n \"quoted\" \\ ü日本🎉";
        JsonObject envelope = parse(Envelope.notification(new Event(42, "People", payload, 0, new EventIds("run"))));
        assertEquals("notification", envelope.getString("type"));
        assertEquals("People", envelope.getString("channel"));
        assertEquals("run.42", envelope.getString("id"));
        assertEquals(payload, envelope.getString("payload"));
    }

    @Test
    void outageGapCarriesChannelReasonAndTimes() {
        GapNotice gap = new GapNotice("People", GapNotice.OUTAGE, null, Instant.parse("2026-01-01T10:00:00Z"),
                Instant.parse("2026-01-01T10:00:05Z"));
        JsonObject envelope = parse(Envelope.gap(gap));
        assertEquals("gap", envelope.getString("type"));
        assertEquals("People", envelope.getString("channel"));
        assertEquals("outage", envelope.getString("reason"));
        assertEquals("2026-01-01T10:00:00Z", envelope.getString("since"));
        assertEquals("2026-01-01T10:00:05Z", envelope.getString("until"));
        assertFalse(envelope.containsKey("lastEventId"), "absent fields are left out");
    }

    @Test
    void resumeGapCarriesTheIdTheClientGave() {
        JsonObject envelope = parse(Envelope.gap(new GapNotice("People", GapNotice.UNKNOWN, "x.1", null, null)));
        assertEquals("unknown", envelope.getString("reason"));
        assertEquals("x.1", envelope.getString("lastEventId"));
        assertFalse(envelope.containsKey("since"));
    }

    @Test
    void repliesOfAMultiplexedSession() {
        assertEquals("{\"type\":\"subscribed\",\"channel\":\"a\"}", Envelope.subscribed("a"));
        assertEquals("{\"type\":\"unsubscribed\",\"channel\":\"a\"}", Envelope.unsubscribed("a"));
        assertEquals("{\"type\":\"refused\",\"channel\":\"a\",\"status\":403,\"reason\":\"no\"}",
                Envelope.refused("a", 403, "no"));
        assertEquals("{\"type\":\"error\",\"reason\":\"what\"}", Envelope.error("what"));
    }

    @Test
    void offeredAmongSeveralProtocolsInOneOrManyHeaders() {
        assertTrue(Envelope.offered(List.of("chat, " + Envelope.PROTOCOL)));
        assertTrue(Envelope.offered(List.of("chat", Envelope.PROTOCOL)));
        assertFalse(Envelope.offered(List.of("chat")));
        assertFalse(Envelope.offered(null));
    }
}
