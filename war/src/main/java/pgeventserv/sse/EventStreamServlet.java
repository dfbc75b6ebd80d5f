package pgeventserv.sse;

import jakarta.inject.Inject;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import pgeventserv.auth.Authorizer;
import pgeventserv.auth.Grant;
import pgeventserv.fanout.Subscriber;
import pgeventserv.fanout.filter.Filter;
import pgeventserv.listen.ListenRequest;
import pgeventserv.listen.Refusal;
import pgeventserv.postgres.ListenerState;
import pgeventserv.postgres.NotificationListener;
import pgeventserv.wiring.Relay;

/**
 * Server-sent events: {@code GET /listen/{channel}} or {@code GET /listen?channel=a&channel=b} with
 * {@code Accept: text/event-stream}. {@link pgeventserv.listen.ListenFilter} has checked the request (and
 * answered every other kind); WebSocket upgrades on the same paths are taken by the server's WebSocket
 * implementation before they get here.
 *
 * <p>Subscribed before the answer starts: the subscriber queues from the moment it is made and the channels are
 * LISTENed before the {@code 200} and the {@code retry:} line go out, so a NOTIFY committed after the client sees
 * them is delivered. The stream then lives in an async context without a timeout; {@link EventStreamWriter}
 * writes it without blocking and ends the subscriber when the client goes away.
 */
@WebServlet(urlPatterns = {"/listen", "/listen/*"}, asyncSupported = true)
public class EventStreamServlet extends HttpServlet {

    private static final Logger LOG = Logger.getLogger(EventStreamServlet.class.getName());
    private static final long LISTEN_WAIT_SECONDS = 5;

    @Inject
    Relay relay;

    @Inject
    NotificationListener listener;

    @Inject
    Authorizer authorizer;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ListenRequest listen = ListenRequest.of(request, relay.maxFiltersPerSubscriber());
        if (listen == null || listen.kind() != ListenRequest.Kind.EVENT_STREAM) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        Subscriber subscriber = subscribe(listen, filters(request));
        if (subscriber.state() != Subscriber.State.HANDSHAKE) {
            // Lost the race for the last place after the filter let it in.
            subscriber.end();
            response.setHeader("Retry-After", "10");
            Refusal.UNAVAILABLE.send(response, "too many sessions open: try again later");
            return;
        }
        try {
            awaitListen(listen.channels());
            streamHeaders(response);
            AsyncContext async = request.startAsync();
            async.setTimeout(0);
            EventStreamWriter writer = new EventStreamWriter(async, response.getOutputStream(), subscriber);
            async.addListener(writer);
            response.getOutputStream().setWriteListener(writer);
            if (request.getAttribute(Grant.ATTRIBUTE) instanceof Grant grant) {
                // The token's end ends the stream (event: error, "token expired"); a stream that ends first cancels it.
                ScheduledFuture<?> expiry = authorizer.endAtExpiry(grant, subscriber);
                if (expiry != null) {
                    async.addListener(new CancelOnEnd(expiry));
                }
            }
            LOG.fine(() -> "event stream opened for " + listen.channels());
        } catch (IOException | RuntimeException e) {
            subscriber.end();
            throw e;
        }
    }

    /** Cancels a scheduled task when the stream ends, whichever way. */
    private record CancelOnEnd(Future<?> task) implements AsyncListener {

        @Override
        public void onComplete(AsyncEvent event) {
            task.cancel(false);
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            task.cancel(false);
        }

        @Override
        public void onError(AsyncEvent event) {
            task.cancel(false);
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // Not restarted.
        }
    }

    /** The answer a GET would start with, without subscribing: a HEAD has no stream to end. */
    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) {
        streamHeaders(response);
    }

    private static void streamHeaders(HttpServletResponse response) {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Accel-Buffering", "no");
    }

    /** {@code /listen/{channel}} carries payloads; {@code /listen?channel=...} the envelope JSON, which names the channel. */
    private Subscriber subscribe(ListenRequest listen, Map<String, Filter> filters) {
        if (listen.path().startsWith("/listen/")) {
            String channel = listen.channels().get(0);
            return relay.subscribe(channel, EventStreamFormat.PAYLOAD, listen.lastEventId(),
                    filters.getOrDefault(channel, Filter.NONE));
        }
        return relay.subscribeMany(listen.channels(), EventStreamFormat.ENVELOPE, listen.lastEventId(), filters);
    }

    /**
     * Per channel, the token's filter and the client's together, as the front door admitted the request (it sees
     * every request to these paths; without its word, a token's filter could be missed, so nothing is streamed).
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Filter> filters(HttpServletRequest request) {
        if (request.getAttribute(ListenRequest.FILTERS) instanceof Map<?, ?> admitted) {
            return (Map<String, Filter>) admitted;
        }
        throw new IllegalStateException("an event stream request that the front door did not admit");
    }

    /**
     * Waits for the LISTENs only while the connection is up: then they follow within a round trip. While it is
     * connecting or down, the channels are LISTENed when it comes (back) and the stream is told of the gap.
     */
    private void awaitListen(List<String> channels) {
        if (listener.state() != ListenerState.UP) {
            return;
        }
        CompletableFuture<?>[] listening = channels.stream().map(relay::listening).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(listening).get(LISTEN_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.warning(() -> "LISTEN " + channels + " did not complete in " + LISTEN_WAIT_SECONDS + " s: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
