package pgeventserv.listen;

import jakarta.json.Json;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObjectBuilder;
import java.util.Map;
import pgeventserv.fanout.Event;
import pgeventserv.fanout.GapNotice;

/**
 * The JSON both transports send alike (DESIGN §7-9): a notification with its channel and id, a gap, an error.
 * The WebSocket envelope sends each as a text frame; an event stream as the {@code data} of an event.
 */
public final class EnvelopeJson {

    private static final JsonBuilderFactory JSON = Json.createBuilderFactory(Map.of());

    private EnvelopeJson() {
    }

    /** {@code {"type":"notification","channel":...,"id":...,"payload":...}}: the payload as a string, exactly. */
    public static String notification(Event event) {
        return JSON.createObjectBuilder()
                .add("type", "notification")
                .add("channel", event.channel())
                .add("id", event.id())
                .add("payload", event.payload())
                .build().toString();
    }

    /** {@code {"type":"gap",...}}: the fields the notice has; the absent ones are left out. */
    public static String gap(GapNotice gap) {
        JsonObjectBuilder b = JSON.createObjectBuilder().add("type", "gap");
        if (gap.channel() != null) {
            b.add("channel", gap.channel());
        }
        b.add("reason", gap.reason());
        if (gap.lastEventId() != null) {
            b.add("lastEventId", gap.lastEventId());
        }
        if (gap.since() != null) {
            b.add("since", gap.since().toString());
        }
        if (gap.until() != null) {
            b.add("until", gap.until().toString());
        }
        return b.build().toString();
    }

    /** {@code {"type":"error","reason":...}}. */
    public static String error(String reason) {
        return JSON.createObjectBuilder().add("type", "error").add("reason", reason).build().toString();
    }
}
