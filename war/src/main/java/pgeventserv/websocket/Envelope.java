package pgeventserv.websocket;

import jakarta.json.Json;
import jakarta.json.JsonBuilderFactory;
import java.util.List;
import java.util.Map;
import pgeventserv.postgres.Gap;

/**
 * The opt-in envelope protocol. A client that offers the WebSocket subprotocol {@value #PROTOCOL} gets every
 * frame as a JSON object with a {@code type}: {@code notification} (with {@code channel} and the raw
 * {@code payload} as a string) or {@code gap} (with {@code since} and {@code until}: the LISTEN connection was
 * down, and notifications sent meanwhile are lost). Without it, frames are the raw payloads, as in the original,
 * and there is no way to say "gap" in band: a text frame would be taken for a payload.
 */
final class Envelope {

    static final String PROTOCOL = "pg_eventserv.envelope.v1";
    private static final JsonBuilderFactory JSON = Json.createBuilderFactory(Map.of());

    private Envelope() {
    }

    /** Whether one of the {@code Sec-WebSocket-Protocol} header values offers the envelope protocol. */
    static boolean offered(List<String> protocolHeaders) {
        if (protocolHeaders == null) {
            return false;
        }
        for (String header : protocolHeaders) {
            for (String token : header.split(",")) {
                if (PROTOCOL.equals(token.trim())) {
                    return true;
                }
            }
        }
        return false;
    }

    static String notification(String channel, String payload) {
        return JSON.createObjectBuilder()
                .add("type", "notification")
                .add("channel", channel)
                .add("payload", payload)
                .build().toString();
    }

    static String gap(Gap gap) {
        return JSON.createObjectBuilder()
                .add("type", "gap")
                .add("since", gap.since().toString())
                .add("until", gap.until().toString())
                .add("reason", "the database connection was lost; notifications sent meanwhile were missed")
                .build().toString();
    }
}
