package pgeventserv.listen;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import pgeventserv.notification.ListenerState;
import pgeventserv.notification.NotificationListener;

/**
 * Subscribes during the handshake, before the 101 response is sent. On Payara (Tyrus) the client can see
 * its socket open before {@code @OnOpen} runs, so subscribing there would lose a NOTIFY committed right
 * after the open. Here the subscription is registered and the channel LISTENed first; the subscription
 * reaches {@code @OnOpen} through the per-connection user properties (Jakarta WebSocket 2.1 makes them
 * a copy per handshake).
 */
public class SubscribeOnHandshake extends ServerEndpointConfig.Configurator {

    static final String SUBSCRIPTION = Subscription.class.getName();
    private static final Logger LOG = Logger.getLogger(SubscribeOnHandshake.class.getName());
    private static final long LISTEN_WAIT_SECONDS = 5;

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        String path = request.getRequestURI().getRawPath();
        String channel = ChannelName.fromPathSegment(path.substring(path.lastIndexOf('/') + 1));
        Subscribers subscribers = CDI.current().select(Subscribers.class).get();
        boolean envelope = Envelope.offered(request.getHeaders().get(HandshakeRequest.SEC_WEBSOCKET_PROTOCOL));
        config.getUserProperties().put(SUBSCRIPTION, subscribers.subscribe(channel, envelope));
        awaitListen(subscribers, channel);
    }

    /**
     * A plain instance: the endpoint has nothing to inject, and one made by the container's CDI provider would keep
     * an injection context of about half a kilobyte for every open session.
     */
    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
        if (endpointClass != ListenEndpoint.class) {
            return super.getEndpointInstance(endpointClass);
        }
        return endpointClass.cast(new ListenEndpoint());
    }

    /**
     * While the database is down there is nothing to wait for: the channel is LISTENed when the
     * connection comes back, and the client is told of the gap then. While the server is still connecting
     * (just started), the handshake waits like any other: the LISTEN follows within moments.
     */
    private static void awaitListen(Subscribers subscribers, String channel) {
        if (CDI.current().select(NotificationListener.class).get().state() == ListenerState.DOWN) {
            return;
        }
        try {
            subscribers.listening(channel).get(LISTEN_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.warning(() -> "LISTEN " + channel + " did not complete in " + LISTEN_WAIT_SECONDS + " s: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
