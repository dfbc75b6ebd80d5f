package pgeventserv.listen;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;
import pgeventserv.access.ChannelPolicy;
import pgeventserv.access.OriginPolicy;
import pgeventserv.auth.Authorizer;
import pgeventserv.auth.Denial;
import pgeventserv.auth.Grant;
import pgeventserv.auth.Rejected;
import pgeventserv.auth.Tokens;
import pgeventserv.fanout.filter.Filter;
import pgeventserv.postgres.NotificationListener;
import pgeventserv.wiring.Relay;

/**
 * The front door of {@code /listen/{channel}} and {@code /listen}: every check a client must pass, whatever way it
 * connects, answered as plain HTTP before any upgrade or stream, so a refusal is something the client can read.
 * 400 for a name PostgreSQL cannot take, a resume id this server never gives, or a filter that cannot be read
 * (naming the condition), 403 for a page whose
 * {@code Origin} {@code CORSOrigins} does not allow and for a channel the allow-list refuses (the original's
 * wording), 400 for a stream naming more than {@code MaxChannelsPerSession} channels, 503 when {@code MaxSessions}
 * sessions are open or a channel not yet listened to would make more than {@code MaxChannels}, 426 for a request
 * that neither upgrades to a WebSocket nor asks for an event stream. What passes goes on to its transport; a
 * WebSocket handshake that will wait for its channel's LISTEN goes on with its 101 held back where the server allows
 * it ({@link UpgradeDeferrals}: Payara), elsewhere only while fewer than {@link HandshakeWaits} others wait on their
 * worker (else 503 with {@code Retry-After: 1}).
 *
 * <p>With authentication on ({@code JwtSecret} or {@code JwtPublicKeyFile}), 401 with {@code WWW-Authenticate}
 * for a missing, invalid or expired token, 403 for a channel the token does not cover, 503 when the
 * {@code AuthorizeFunction} cannot answer. The admitted request goes on with its {@link Grant} as user principal
 * (see {@link GrantedRequest}) and as the attribute {@link Grant#ATTRIBUTE}. A multiplexed session without a token
 * goes on without a grant: it authenticates with its first message, or is closed. Every admitted request's answer
 * carries {@value #RUN_HEADER}, the run its plain ids begin with.
 */
@WebFilter(urlPatterns = {"/listen", "/listen/*"}, asyncSupported = true)
public class ListenFilter extends HttpFilter {

    /**
     * Names, on every admitted stream and WebSocket handshake, what this run's plain ids begin with: a load balancer
     * learns from it where to send a client that resumes with one (docs/cluster.md).
     */
    public static final String RUN_HEADER = "Event-Id-Run";
    private static final Logger LOG = Logger.getLogger(ListenFilter.class.getName());

    @Inject
    ChannelPolicy policy;

    @Inject
    OriginPolicy origins;

    @Inject
    Relay relay;

    @Inject
    Authorizer authorizer;

    @Inject
    NotificationListener listener;
    // The listener bean itself (NotificationListener#direct), asked of its proxy on first use.
    private volatile NotificationListener direct;

    @Inject
    HandshakeWaits waits;

    @Inject
    UpgradeDeferrals deferrals;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        ListenRequest listen;
        try {
            listen = ListenRequest.of(request, relay.maxFiltersPerSubscriber());
        } catch (IllegalArgumentException e) {
            Refusal.BAD_REQUEST.send(response, e.getMessage());
            return;
        }
        if (listen == null) {
            chain.doFilter(request, response);
            return;
        }
        String origin = request.getHeader("Origin");
        if (!origins.allows(origin)) {
            Refusal.FORBIDDEN.send(response, "origin '" + origin + "' is not allowed");
            return;
        }
        for (String channel : listen.channels()) {
            if (!policy.allows(channel)) {
                Refusal.FORBIDDEN.send(response, "requested channel '" + channel + "' is not allowed");
                return;
            }
        }
        if (listen.kind() == ListenRequest.Kind.NEITHER) {
            response.setHeader("Upgrade", "websocket");
            Refusal.UPGRADE_REQUIRED.send(response, listen.path() + " streams notifications: connect with a WebSocket"
                    + " client, or send GET with 'Accept: text/event-stream' for server-sent events");
            return;
        }
        if (listen.channels().size() > relay.maxChannelsPerSession()) {
            Refusal.BAD_REQUEST.send(response,
                    "a stream may name at most " + relay.maxChannelsPerSession() + " channels");
            return;
        }
        if (relay.full()) {
            response.setHeader("Retry-After", "10");
            Refusal.UNAVAILABLE.send(response, "too many sessions open: try again later");
            return;
        }
        if (!relay.roomFor(listen.channels())) {
            response.setHeader("Retry-After", "10");
            Refusal.UNAVAILABLE.send(response, relay.tooManyChannels().reason() + ": try again later");
            return;
        }
        HttpServletRequest admitted = request;
        Map<String, Filter> filters = new HashMap<>();
        for (String channel : listen.channels()) {
            filters.put(channel, listen.filter());
        }
        if (authorizer.enabled()) {
            Grant grant;
            try {
                grant = grant(listen, request, filters);
            } catch (Rejected e) {
                refuse(response, e);
                return;
            }
            if (grant != null) {
                request.setAttribute(Grant.ATTRIBUTE, grant);
                admitted = new GrantedRequest(request, grant);
            }
        }
        request.setAttribute(ListenRequest.FILTERS, Map.copyOf(filters));
        response.setHeader(RUN_HEADER, relay.idRun());
        LOG.finest(() -> "admitted " + listen.kind() + " " + listen.path());
        if (!waitsForListen(listen)) {
            handshake(admitted, response, chain);
            return;
        }
        if (deferrals.on()) {
            deferred(admitted, response, chain, listen.channels().get(0));
            return;
        }
        if (!waits.enter()) {
            response.setHeader("Retry-After", "1");
            Refusal.UNAVAILABLE.send(response, "too many handshakes waiting for their channel: try again in a second");
            return;
        }
        try {
            handshake(admitted, response, chain);
        } finally {
            waits.leave();
        }
    }

    /** Down the chain; a subscriber the handshake made and then failed to answer 101 for is ended at once. */
    private static void handshake(HttpServletRequest admitted, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        int status = HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
        HandshakeSubscriber.starting();
        try {
            chain.doFilter(admitted, response);
            status = response.getStatus();
        } finally {
            HandshakeSubscriber.answered(status);
        }
    }

    /** Down the chain with its 101 held back until the channel's LISTEN is in effect: no place, no worker held. */
    private void deferred(HttpServletRequest admitted, HttpServletResponse response, FilterChain chain, String channel)
            throws IOException, ServletException {
        UnsentUpgrade unsent = deferrals.unsent(response);
        WithheldResponse held = new WithheldResponse(response);
        UnsentUpgrade.handshaking(unsent);
        try {
            handshake(admitted, held, chain);
        } finally {
            UnsentUpgrade.handshaken();
        }
        deferrals.answered(unsent, held, relay.listening(channel));
    }

    /**
     * Whether the handshake's 101 must wait until its channel's LISTEN is in effect (see
     * {@link pgeventserv.websocket.SubscribeOnHandshake}): a WebSocket on one channel not LISTENed yet, while the
     * connection is up and answering. Event streams go async instead; a multiplexed session waits for nothing at its handshake.
     */
    private boolean waitsForListen(ListenRequest listen) {
        return listen.kind() == ListenRequest.Kind.WEBSOCKET && listen.channels().size() == 1
                && listener().listensPromptly() && !relay.listened(listen.channels().get(0));
    }

    /**
     * The request's grant, every channel it names checked and its filter narrowed to the token's for that channel
     * ({@code filters}: the client's in, both out); null for a multiplexed session yet to authenticate. For
     * {@code /listen/{channel}} the grant's own filter becomes the token's for that channel: the WebSocket
     * handshake reads it there (it sees the principal, not request attributes).
     */
    private Grant grant(ListenRequest listen, HttpServletRequest request, Map<String, Filter> filters)
            throws Rejected {
        String token = Tokens.from(request, authorizer.queryParameter(), !origins.anyOrigin());
        boolean multiplexed = listen.kind() == ListenRequest.Kind.WEBSOCKET && listen.channels().isEmpty();
        if (token == null && multiplexed && authorizer.required()) {
            return null;
        }
        Grant grant = authorizer.authenticate(token);
        Filter only = null;
        for (String channel : listen.channels()) {
            Filter tokens = authorizer.authorize(grant, channel);
            filters.put(channel, tokens.and(filters.get(channel)));
            only = tokens;
        }
        if (listen.channels().size() == 1 && !grant.anonymous()) {
            grant = new Grant(grant.subject(), grant.channels(), only, grant.expiresAtMillis(), grant.claimsJson(),
                    grant.cacheKey());
        }
        return grant;
    }

    private static void refuse(HttpServletResponse response, Rejected rejected) throws IOException {
        Denial denial = rejected.denial();
        Refusal refusal = switch (denial.status()) {
            case HttpServletResponse.SC_UNAUTHORIZED -> Refusal.UNAUTHORIZED;
            case HttpServletResponse.SC_FORBIDDEN -> Refusal.FORBIDDEN;
            default -> Refusal.UNAVAILABLE;
        };
        if (denial.challenge() != null) {
            response.setHeader("WWW-Authenticate", denial.challenge());
        }
        if (refusal == Refusal.UNAVAILABLE) {
            response.setHeader("Retry-After", "10");
        }
        refusal.answer(response, rejected.getMessage());
    }

    private NotificationListener listener() {
        NotificationListener d = direct;
        if (d == null) {
            direct = d = listener.direct();
        }
        return d;
    }
}
