package pgeventserv.sse;

import jakarta.inject.Inject;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import pgeventserv.auth.Authorizer;
import pgeventserv.auth.Grant;
import pgeventserv.fanout.Subscriber;
import pgeventserv.fanout.filter.Filter;
import pgeventserv.listen.HandshakeWaits;
import pgeventserv.listen.ListenRequest;
import pgeventserv.listen.Refusal;
import pgeventserv.postgres.NotificationListener;
import pgeventserv.wiring.Relay;

/**
 * Server-sent events: {@code GET /listen/{channel}} or {@code GET /listen?channel=a&channel=b} with
 * {@code Accept: text/event-stream}. {@link pgeventserv.listen.ListenFilter} has checked the request (and
 * answered every other kind); WebSocket upgrades on the same paths are taken by the server's WebSocket
 * implementation before they get here.
 *
 * <p>Subscribed before the answer starts: the subscriber queues from the moment it is made, and the {@code 200} and
 * the {@code retry:} line go out once the channels are LISTENed, so a NOTIFY committed after the client sees them
 * is delivered. The request goes async at once: no worker waits for PostgreSQL. The stream is opened by the thread
 * that finds the LISTENs in effect (this one, when they already are) or, once they are, by a task of the async
 * context ({@link AsyncContext#start}); at most {@value HandshakeWaits#LISTEN_WAIT_SECONDS} s later it opens anyway, the LISTEN
 * still on its way. It then lives in the async context without a timeout; {@link EventStreamWriter} writes it
 * without blocking and ends the subscriber when the client goes away.
 */
// Loaded with the application: otherwise the first request initialises it, and in BurstIT's 400 event streams at once
// on Open Liberty every stream waited 5 s for that (its injections, on a loaded machine), and one got its headers after
// the client's 10 s.
@WebServlet(urlPatterns = {"/listen", "/listen/*"}, asyncSupported = true, loadOnStartup = 1)
public class EventStreamServlet extends HttpServlet {

    private static final Logger LOG = Logger.getLogger(EventStreamServlet.class.getName());

    @Inject
    Relay relay;

    @Inject
    NotificationListener listener;
    // The listener bean itself (NotificationListener#direct), asked of its proxy on first use.
    private volatile NotificationListener direct;

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
            // Lost the race for the last place (sessions or channels) after the filter let it in.
            subscriber.end();
            response.setHeader("Retry-After", "10");
            String why = relay.full() ? "too many sessions open" : relay.tooManyChannels().reason();
            Refusal.UNAVAILABLE.send(response, why + ": try again later");
            return;
        }
        AsyncContext async;
        EventStreamWriter writer;
        try {
            async = request.startAsync();
            async.setTimeout(0);
            writer = new EventStreamWriter(async, response.getOutputStream(), subscriber);
            // From now on a client that goes away ends the subscriber, opened or not.
            async.addListener(writer);
        } catch (IOException | RuntimeException e) {
            subscriber.end();
            throw e;
        }
        Grant grant = request.getAttribute(Grant.ATTRIBUTE) instanceof Grant g ? g : null;
        CompletableFuture<Void> listened = listened(listen.channels());
        if (listened.isDone()) {
            open(response, async, writer, subscriber, grant);
            return;
        }
        listened.whenComplete((done, failed) -> {
            if (failed != null) {
                LOG.warning(() -> "LISTEN " + listen.channels() + " did not complete in " + HandshakeWaits.LISTEN_WAIT_SECONDS
                        + " s: " + failed);
            }
            try {
                async.start(() -> open(response, async, writer, subscriber, grant));
            } catch (RuntimeException e) {
                // The client went away meanwhile: the context is over.
                subscriber.end();
            }
        });
    }

    /**
     * The LISTENs are in effect (or took too long): the headers, then the stream. A failure half-way gives back the
     * subscriber's place and channels and completes the async context at once.
     */
    private void open(HttpServletResponse response, AsyncContext async, EventStreamWriter writer,
            Subscriber subscriber, Grant grant) {
        try {
            streamHeaders(response);
            response.getOutputStream().setWriteListener(writer);
            if (grant != null) {
                // The token's end ends the stream (event: error, "token expired"), found by the relay's sweep.
                authorizer.endAtExpiry(grant, subscriber);
            }
            LOG.fine(() -> "event stream opened for " + subscriber.channels());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "event stream failed while opening", e);
            subscriber.end();
            try {
                async.complete();
            } catch (IllegalStateException gone) {
                // Completed by the container already.
            }
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
     * Completes once every channel is LISTENed, or after {@value HandshakeWaits#LISTEN_WAIT_SECONDS} s (exceptionally); at once
     * while the connection is connecting, down or stalled: the channels are LISTENed when it comes (back), and the stream is
     * told of the gap.
     */
    private CompletableFuture<Void> listened(List<String> channels) {
        if (!listener().listensPromptly()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<?>[] listening = channels.stream().map(relay::listening).toArray(CompletableFuture[]::new);
        CompletableFuture<Void> all = CompletableFuture.allOf(listening);
        return all.isDone() ? all : all.orTimeout(HandshakeWaits.LISTEN_WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private NotificationListener listener() {
        NotificationListener d = direct;
        if (d == null) {
            direct = d = listener.direct();
        }
        return d;
    }
}
