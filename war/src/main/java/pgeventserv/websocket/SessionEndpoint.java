package pgeventserv.websocket;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import pgeventserv.access.ChannelName;
import pgeventserv.access.ChannelPolicy;
import pgeventserv.auth.Authorizer;
import pgeventserv.auth.Grant;
import pgeventserv.auth.Rejected;
import pgeventserv.fanout.EventIds;
import pgeventserv.fanout.Farewell;
import pgeventserv.fanout.Frame;
import pgeventserv.fanout.Subscriber;
import pgeventserv.fanout.filter.Filter;
import pgeventserv.wiring.Relay;

/**
 * {@code ws://host:7700/listen} with the {@value Envelope#PROTOCOL} subprotocol: one connection, many channels.
 * The client sends commands, {@code {"type":"subscribe","channel":"people","lastEventId":"...","filter":[...]}}
 * (the filter optional, DESIGN §13; within the token's) and
 * {@code {"type":"unsubscribe","channel":"people"}}; each is checked as a handshake is (name rules, allow-list,
 * {@code MaxChannelsPerSession}) and answered in order with everything else on the connection:
 * {@code subscribed} once the channel's LISTEN is in effect (so a NOTIFY committed after the client reads it is
 * delivered), {@code refused} with the status a handshake would get (503 beyond {@code MaxChannels}; 429 for a
 * session taking new channels faster than {@link #NEW_CHANNEL_REFILL_NANOS} allows), {@code unsubscribed} after the
 * channel's last event, or {@code error} for anything else; the session stays open. Floods still close it with 1008.
 * With authentication on, {@code {"type":"auth","token":"..."}} authenticates the session (or extends it) and
 * each {@code subscribe} is checked against its token ({@link SessionAuth}).
 *
 * <p>The container calls one endpoint instance for one session, one message at a time, so the set of channels
 * asked for needs no lock.
 */
@ServerEndpoint(value = "/listen", subprotocols = Envelope.PROTOCOL, configurator = SubscribeOnHandshake.class)
public class SessionEndpoint {

    private static final Logger LOG = Logger.getLogger(SessionEndpoint.class.getName());
    // One factory: Json.createReader looks its provider up (a ServiceLoader scan of the class path) at every call.
    private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());

    /** Commands come in bursts (a page subscribing to all its channels at once), never in a stream. */
    private static final long COMMAND_REFILL_NANOS = 20_000_000L;
    /**
     * Each subscribe may cost a LISTEN and, later, an UNLISTEN: a session may subscribe to its
     * {@code MaxChannelsPerSession} at once, then to one more a second, however it unsubscribes meanwhile.
     */
    static final long NEW_CHANNEL_REFILL_NANOS = 1_000_000_000L;

    private final SendPath sendPath;
    private final ChannelPolicy policy;
    private final Authorizer authorizer;
    private ClientMessageBudget budget;
    private ClientMessageBudget newChannels;
    /** The channels asked for, each with the token's filter it was subscribed under ({@code NONE} without one). */
    private final Map<String, Filter> channels = new HashMap<>();
    private Subscriber subscriber;
    private WebSocketConnection connection;
    private Relay relay;
    private int maxChannels;
    /** Null when authentication is off. */
    private SessionAuth auth;

    /** For containers that insist on a public no-argument constructor (Open Liberty checks at deployment). */
    public SessionEndpoint() {
        this(null, null, null);
    }

    SessionEndpoint(SendPath sendPath, ChannelPolicy policy, Authorizer authorizer) {
        this.sendPath = sendPath;
        this.policy = policy;
        this.authorizer = authorizer;
    }

    @OnOpen
    public void open(Session session) {
        subscriber = (Subscriber) session.getUserProperties().get(SubscribeOnHandshake.SUBSCRIBER);
        LOG.fine(() -> "multiplexed session " + session.getId() + " connected");
        SendPath path = sendPath != null ? sendPath : CDI.current().select(SendPath.class).get();
        relay = CDI.current().select(Relay.class).get();
        maxChannels = relay.maxChannelsPerSession();
        budget = new ClientMessageBudget(System.nanoTime(), 2 * maxChannels + ClientMessageBudget.BURST,
                COMMAND_REFILL_NANOS);
        newChannels = new ClientMessageBudget(System.nanoTime(), maxChannels, NEW_CHANNEL_REFILL_NANOS);
        connection = path.connection(session);
        subscriber.attach(path.writer(connection, subscriber));
        UpgradeRelease.after(session);
        Authorizer authorizer = this.authorizer != null ? this.authorizer : CDI.current().select(Authorizer.class).get();
        if (authorizer.enabled()) {
            auth = new SessionAuth(authorizer, subscriber,
                    (Grant) session.getUserProperties().get(SubscribeOnHandshake.GRANT));
            auth.opened();
        }
    }

    @OnMessage(maxMessageSize = ListenEndpoint.MAX_CLIENT_MESSAGE_BYTES)
    public void text(String message, Session session) {
        if (!budget.spend(System.nanoTime())) {
            subscriber.close(new Farewell(Farewell.POLICY_VIOLATION,
                    "too many commands: at most " + budget.burst() + " at once"));
            return;
        }
        JsonObject command;
        try (JsonReader reader = READERS.createReader(new StringReader(message))) {
            command = reader.readObject();
        } catch (JsonException | IllegalStateException e) {
            reply(Envelope.error("commands are JSON objects with a \"type\": subscribe, unsubscribe or auth"));
            return;
        }
        String type = text(command, "type");
        if ("subscribe".equals(type)) {
            subscribe(command);
        } else if ("unsubscribe".equals(type)) {
            unsubscribe(command);
        } else if ("auth".equals(type)) {
            authenticate(command);
        } else {
            reply(Envelope.error(type == null ? "a command needs a \"type\"" : "unknown command type '" + type
                    + "': subscribe, unsubscribe or auth"));
        }
    }

    @OnMessage(maxMessageSize = ListenEndpoint.MAX_CLIENT_MESSAGE_BYTES)
    public void binary(ByteBuffer message, Session session) {
        reply(Envelope.error("commands are JSON text frames"));
    }

    @OnMessage
    public void pong(PongMessage pong, Session session) {
        connection.ponged();
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        LOG.fine(() -> "multiplexed session " + session.getId() + " disconnected: " + reason.getCloseCode().getCode()
                + " " + reason.getReasonPhrase());
        subscriber.end();
    }

    @OnError
    public void error(Session session, Throwable error) {
        LOG.log(Level.FINE, "session " + session.getId() + " failed", error);
        if (subscriber != null) {
            subscriber.end();
        }
    }

    private void subscribe(JsonObject command) {
        String raw = text(command, "channel");
        String channel;
        try {
            channel = ChannelName.checked(raw);
        } catch (IllegalArgumentException e) {
            reply(Envelope.refused(raw, 400, e.getMessage()));
            return;
        }
        String lastEventId = text(command, "lastEventId");
        if (lastEventId != null && (lastEventId.isEmpty() || !EventIds.wellFormed(lastEventId))) {
            reply(Envelope.refused(channel, 400, "lastEventId is not an event id: ids are at most "
                    + EventIds.MAX_LENGTH + " printable ASCII characters without spaces"));
            return;
        }
        if (!policy.allows(channel)) {
            reply(Envelope.refused(channel, 403, "requested channel '" + channel + "' is not allowed"));
            return;
        }
        Filter filter;
        try {
            filter = filter(command.get("filter"));
        } catch (IllegalArgumentException e) {
            reply(Envelope.refused(channel, 400, e.getMessage()));
            return;
        }
        if (channels.containsKey(channel)) {
            reply(Envelope.refused(channel, 400, "already subscribed to '" + channel + "'"));
            return;
        }
        if (channels.size() >= maxChannels) {
            reply(Envelope.refused(channel, 400, "a session may subscribe to at most " + maxChannels + " channels"));
            return;
        }
        if (!newChannels.spend(System.nanoTime())) {
            reply(Envelope.refused(channel, 429, "too many new channels: " + maxChannels
                    + " at once, then one a second"));
            return;
        }
        Filter tokens = Filter.NONE;
        if (auth != null) {
            try {
                tokens = auth.authorize(channel);
            } catch (Rejected e) {
                reply(Envelope.refused(channel, e.denial().status(), e.getMessage()));
                return;
            }
        }
        if (!subscriber.join(channel, lastEventId, Frame.of(Envelope.subscribed(channel)), tokens.and(filter))) {
            reply(Envelope.refused(channel, 503, relay.tooManyChannels().reason()));
            return;
        }
        channels.put(channel, tokens);
        LOG.fine(() -> "multiplexed session subscribes to " + channel);
    }

    private void unsubscribe(JsonObject command) {
        String channel = text(command, "channel");
        if (channel == null || channels.remove(channel) == null) {
            reply(Envelope.error("not subscribed to '" + channel + "'"));
            return;
        }
        subscriber.leave(channel, Frame.of(Envelope.unsubscribed(channel)));
    }

    /** Without authentication there is nothing to authenticate: an error, the session goes on. */
    private void authenticate(JsonObject command) {
        if (auth == null) {
            reply(Envelope.error("this server takes no tokens"));
            return;
        }
        auth.authenticate(text(command, "token"), Map.copyOf(channels), (channel, why) -> {
            channels.remove(channel);
            subscriber.leave(channel, Frame.of(Envelope.refused(channel, why.denial().status(), why.getMessage())));
        });
    }

    /** Answers go behind the answers to earlier commands (a {@code subscribed} waits for its LISTEN). */
    private void reply(String message) {
        subscriber.reply(Frame.of(message));
    }

    /**
     * The command's {@code "filter"}: absent or null for none, else a list of conditions.
     *
     * @throws IllegalArgumentException naming what is wrong (the bad condition, or the shape)
     */
    private Filter filter(JsonValue value) {
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return Filter.NONE;
        }
        if (!(value instanceof JsonArray array) || !array.stream().allMatch(JsonString.class::isInstance)) {
            throw new IllegalArgumentException("\"filter\" is a list of conditions: [\"path=op.value\", ...]");
        }
        return Filter.parse(array.getValuesAs(JsonString::getString), relay.maxFiltersPerSubscriber());
    }

    private static String text(JsonObject command, String field) {
        JsonValue value = command.get(field);
        return value instanceof JsonString s ? s.getString() : null;
    }
}
