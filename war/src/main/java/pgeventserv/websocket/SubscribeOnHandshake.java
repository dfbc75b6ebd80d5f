package pgeventserv.websocket;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import pgeventserv.access.ChannelName;
import pgeventserv.access.ChannelPolicy;
import pgeventserv.auth.Authorizer;
import pgeventserv.auth.Grant;
import pgeventserv.fanout.Subscriber;
import pgeventserv.fanout.filter.Filter;
import pgeventserv.listen.HandshakeSubscriber;
import pgeventserv.listen.HandshakeWaits;
import pgeventserv.listen.ListenRequest;
import pgeventserv.listen.UnsentUpgrade;
import pgeventserv.postgres.NotificationListener;
import pgeventserv.wiring.Relay;

/**
 * Subscribes during the handshake, before the 101 response is sent. On Payara (Tyrus) the client can see its
 * socket open before {@code @OnOpen} runs, so subscribing there would lose a NOTIFY committed right after the
 * open. Here the subscriber is registered and the channel LISTENed first; it reaches {@code @OnOpen} through the
 * per-connection user properties (Jakarta WebSocket 2.1 makes them a copy per handshake). Where the front door
 * holds the 101 back instead ({@link UnsentUpgrade}, on Payara), nothing waits here.
 */
public class SubscribeOnHandshake extends ServerEndpointConfig.Configurator {

    static final String SUBSCRIBER = "pgeventserv.subscriber";
    /** The {@link Grant} the front door admitted the connection with; absent without authentication. */
    static final String GRANT = "pgeventserv.grant";
    /** The {@link UnsentUpgrade} of a handshake whose 101 is held back for its LISTEN; absent when it waited here. */
    static final String UNSENT = "pgeventserv.unsent";
    private static final Logger LOG = Logger.getLogger(SubscribeOnHandshake.class.getName());
    private static final long LISTEN_WAIT_NANOS = TimeUnit.SECONDS.toNanos(HandshakeWaits.LISTEN_WAIT_SECONDS);

    // Looked up once: the configurator is shared by every handshake, and a CDI lookup per handshake costs.
    private volatile Relay relay;
    private volatile NotificationListener listener;
    private volatile SendPath sendPath;
    private volatile Authorizer authorizer;
    private volatile HandshakeWaits waits;

    /**
     * {@code /listen/{channel}}: subscribed to the channel with its filter, resuming after {@code lastEventId} for
     * an envelope client (a raw client has no ids); {@code /listen}: a multiplexed session, subscribed to nothing until it asks.
     * The request was checked by {@link pgeventserv.listen.ListenFilter} before it got here.
     */
    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        if (request.getUserPrincipal() instanceof Grant grant) {
            config.getUserProperties().put(GRANT, grant);
        } else {
            config.getUserProperties().remove(GRANT);
        }
        if (config.getEndpointClass() == SessionEndpoint.class) {
            Subscriber session = relay().subscribeMany(List.of(), WebSocketFormat.ENVELOPE, null, Map.of());
            HandshakeSubscriber.made(session);
            config.getUserProperties().put(SUBSCRIBER, session);
            return;
        }
        String path = request.getRequestURI().getRawPath();
        String channel = ChannelName.fromPathSegment(path.substring(path.lastIndexOf('/') + 1));
        boolean envelope = Envelope.offered(request.getHeaders().get(HandshakeRequest.SEC_WEBSOCKET_PROTOCOL));
        String lastEventId = envelope ? first(request.getParameterMap().get("lastEventId")) : null;
        Subscriber subscriber = relay().subscribe(channel, envelope ? WebSocketFormat.ENVELOPE : WebSocketFormat.RAW,
                lastEventId, filter(request));
        HandshakeSubscriber.made(subscriber);
        config.getUserProperties().put(SUBSCRIBER, subscriber);
        UnsentUpgrade unsent = UnsentUpgrade.ofThisHandshake();
        if (unsent != null) {
            config.getUserProperties().put(UNSENT, unsent);
        } else {
            config.getUserProperties().remove(UNSENT);
            awaitListen(channel);
        }
    }

    /**
     * The client's {@code filter} parameters (the front door refused any it could not read) within the token's
     * filter for the channel, which the front door left as the grant's.
     */
    private Filter filter(HandshakeRequest request) {
        List<String> conditions = request.getParameterMap().get(ListenRequest.FILTER_PARAMETER);
        Filter client = ListenRequest.filter(conditions == null ? null : conditions.toArray(String[]::new),
                relay().maxFiltersPerSubscriber());
        return request.getUserPrincipal() instanceof Grant grant ? grant.filter().and(client) : client;
    }

    private static String first(List<String> values) {
        return values == null || values.isEmpty() || values.get(0).isEmpty() ? null : values.get(0);
    }

    /**
     * A plain instance: the endpoint has nothing to inject, and one made by the container's CDI provider would keep
     * an injection context of about half a kilobyte for every open session.
     */
    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
        SendPath path = sendPath;
        if (path == null) {
            sendPath = path = CDI.current().select(SendPath.class).get();
        }
        Authorizer auth = authorizer;
        if (auth == null) {
            authorizer = auth = CDI.current().select(Authorizer.class).get();
        }
        if (endpointClass == ListenEndpoint.class) {
            return endpointClass.cast(new ListenEndpoint(path, auth));
        }
        if (endpointClass == SessionEndpoint.class) {
            return endpointClass.cast(new SessionEndpoint(path, CDI.current().select(ChannelPolicy.class).get(), auth));
        }
        return super.getEndpointInstance(endpointClass);
    }

    /**
     * Waits for the LISTEN only while the connection is up and answering: then it follows within a round trip.
     * While the listener is connecting, down or stalled (a round trip unanswered for seconds), an HTTP worker parked
     * here could wait seconds, and a storm of handshakes would park them all (health checks included); the channel
     * is LISTENed when the connection comes (back), and clients that can be told of the gap are told then. A
     * handshake already parked when the connection stalls goes on within {@value HandshakeWaits#STALL_CHECK_MILLIS} ms of it being
     * known. Even while the connection is up, at most {@link pgeventserv.listen.HandshakeWaits} handshakes get this
     * far to wait: the front door answers the others 503.
     */
    private void awaitListen(String channel) {
        NotificationListener l = listener();
        if (!l.listensPromptly()) {
            return;
        }
        var listening = relay().listening(channel);
        // Counted only when this worker will park: a LISTEN already in effect answers at once.
        HandshakeWaits parked = listening.isDone() ? null : waits();
        if (parked != null) {
            parked.parking();
        }
        long start = System.nanoTime();
        try {
            while (true) {
                try {
                    listening.get(HandshakeWaits.STALL_CHECK_MILLIS, TimeUnit.MILLISECONDS);
                    return;
                } catch (TimeoutException e) {
                    if (!l.listensPromptly()) {
                        LOG.fine(() -> "LISTEN " + channel + ": the connection stalled or went down; opening without waiting");
                        return;
                    }
                    if (System.nanoTime() - start > LISTEN_WAIT_NANOS) {
                        LOG.warning(() -> "LISTEN " + channel + " did not complete in "
                                + TimeUnit.NANOSECONDS.toSeconds(LISTEN_WAIT_NANOS) + " s");
                        return;
                    }
                }
            }
        } catch (ExecutionException e) {
            LOG.warning(() -> "LISTEN " + channel + " failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (parked != null) {
                parked.unparked();
            }
        }
    }

    private HandshakeWaits waits() {
        HandshakeWaits w = waits;
        if (w == null) {
            waits = w = CDI.current().select(HandshakeWaits.class).get();
        }
        return w;
    }

    private Relay relay() {
        Relay r = relay;
        if (r == null) {
            relay = r = CDI.current().select(Relay.class).get();
        }
        return r;
    }

    private NotificationListener listener() {
        NotificationListener l = listener;
        if (l == null) {
            // The bean itself: a call through its proxy costs a container check on every handshake.
            listener = l = CDI.current().select(NotificationListener.class).get().direct();
        }
        return l;
    }
}
