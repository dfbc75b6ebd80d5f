package pgeventserv.websocket;

import jakarta.json.Json;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObjectBuilder;
import java.util.List;
import java.util.Map;
import pgeventserv.fanout.Event;
import pgeventserv.fanout.GapNotice;
import pgeventserv.listen.EnvelopeJson;
import pgeventserv.listen.ListenRequest;

/**
 * The opt-in envelope protocol {@value #PROTOCOL}: every frame is a JSON object with a {@code type}. From the
 * server: {@code notification} (channel, id, the payload as a string), {@code gap}, and the replies of a
 * multiplexed session ({@code subscribed}, {@code refused}, {@code unsubscribed}, {@code error}). Without it,
 * frames are the raw payloads, as in the original, and there is no way to say "gap" in band: a text frame would be
 * taken for a payload.
 */
final class Envelope {

    static final String PROTOCOL = ListenRequest.ENVELOPE_PROTOCOL;
    private static final JsonBuilderFactory JSON = Json.createBuilderFactory(Map.of());

    private Envelope() {
    }

    /** Whether one of the {@code Sec-WebSocket-Protocol} header values offers the envelope protocol. */
    static boolean offered(List<String> protocolHeaders) {
        return ListenRequest.offersEnvelope(protocolHeaders);
    }

    static String notification(Event event) {
        return EnvelopeJson.notification(event);
    }

    static String gap(GapNotice gap) {
        return EnvelopeJson.gap(gap);
    }

    static String subscribed(String channel) {
        return JSON.createObjectBuilder().add("type", "subscribed").add("channel", channel).build().toString();
    }

    static String unsubscribed(String channel) {
        return JSON.createObjectBuilder().add("type", "unsubscribed").add("channel", channel).build().toString();
    }

    static String refused(String channel, int status, String reason) {
        JsonObjectBuilder b = JSON.createObjectBuilder().add("type", "refused");
        if (channel != null) {
            b.add("channel", channel);
        }
        return b.add("status", status).add("reason", reason).build().toString();
    }

    static String error(String reason) {
        return EnvelopeJson.error(reason);
    }
}
