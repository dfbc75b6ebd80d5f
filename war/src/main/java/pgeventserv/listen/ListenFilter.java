package pgeventserv.listen;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.logging.Logger;
import pgeventserv.access.ChannelPolicy;
import pgeventserv.access.OriginPolicy;
import pgeventserv.fanout.Relay;

/**
 * The front door of {@code /listen/{channel}} and {@code /listen}: every check a client must pass, whatever way it
 * connects, answered as plain HTTP before any upgrade or stream, so a refusal is something the client can read.
 * 400 for a name PostgreSQL cannot take (or a resume id this server never gives), 403 for a page whose
 * {@code Origin} {@code CORSOrigins} does not allow and for a channel the allow-list refuses (the original's
 * wording), 503 when {@code MaxSessions} sessions are open, 426 for a request that neither upgrades to a WebSocket
 * nor asks for an event stream. What passes goes on to its transport.
 */
@WebFilter(urlPatterns = {"/listen", "/listen/*"}, asyncSupported = true)
public class ListenFilter extends HttpFilter {

    private static final Logger LOG = Logger.getLogger(ListenFilter.class.getName());

    @Inject
    ChannelPolicy policy;

    @Inject
    OriginPolicy origins;

    @Inject
    Relay relay;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        ListenRequest listen;
        try {
            listen = ListenRequest.of(request);
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
        if (relay.full()) {
            response.setHeader("Retry-After", "10");
            Refusal.UNAVAILABLE.send(response, "too many sessions open: try again later");
            return;
        }
        LOG.finest(() -> "admitted " + listen.kind() + " " + listen.path());
        chain.doFilter(request, response);
    }
}
