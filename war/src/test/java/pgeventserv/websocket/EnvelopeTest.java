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
import pgeventserv.postgres.Gap;

class EnvelopeTest {

    private static JsonObject parse(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    @Test
    void notificationCarriesChannelAndTheRawPayloadAsAString() {
        String payload = "{\"a\": 1}\n \"quoted\" \\ ü日本🎉";
        JsonObject envelope = parse(Envelope.notification("People", payload));
        assertEquals("notification", envelope.getString("type"));
        assertEquals("People", envelope.getString("channel"));
        assertEquals(payload, envelope.getString("payload"));
    }

    @Test
    void gapCarriesItsTimes() {
        Gap gap = new Gap(Instant.parse("2026-01-01T10:00:00Z"), Instant.parse("2026-01-01T10:00:05Z"));
        JsonObject envelope = parse(Envelope.gap(gap));
        assertEquals("gap", envelope.getString("type"));
        assertEquals("2026-01-01T10:00:00Z", envelope.getString("since"));
        assertEquals("2026-01-01T10:00:05Z", envelope.getString("until"));
    }

    @Test
    void offeredAmongSeveralProtocolsInOneOrManyHeaders() {
        assertTrue(Envelope.offered(List.of("chat, " + Envelope.PROTOCOL)));
        assertTrue(Envelope.offered(List.of("chat", Envelope.PROTOCOL)));
        assertFalse(Envelope.offered(List.of("chat")));
        assertFalse(Envelope.offered(null));
    }
}
