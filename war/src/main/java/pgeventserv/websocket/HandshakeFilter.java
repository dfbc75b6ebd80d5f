package pgeventserv.websocket;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;
import pgeventserv.access.ChannelName;
import pgeventserv.access.ChannelPolicy;
import pgeventserv.access.OriginPolicy;
import pgeventserv.fanout.Relay;

/**
 * Checks {@code /listen/{channel}} requests before the WebSocket upgrade, so a refusal is a plain HTTP
 * answer the client can read: 400 for a name PostgreSQL cannot take, 403 for a page whose {@code Origin}
 * {@code CORSOrigins} does not allow and for a channel the allow-list refuses (the original's wording),
 * 426 for a request that is not a WebSocket upgrade, 503 when {@code MaxSessions} sessions are open.
 */
@WebFilter(urlPatterns = "/listen/*", asyncSupported = true)
public class HandshakeFilter extends HttpFilter {

    private static final Logger LOG = Logger.getLogger(HandshakeFilter.class.getName());
    private static final String PREFIX = "/listen/";
    private static final int UPGRADE_REQUIRED = 426;

    @Inject
    ChannelPolicy policy;

    @Inject
    OriginPolicy origins;

    @Inject
    Relay relay;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (!path.startsWith(PREFIX) || path.indexOf('/', PREFIX.length()) >= 0) {
            chain.doFilter(request, response);
            return;
        }
        String channel;
        try {
            channel = ChannelName.fromPathSegment(path.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            refuse(response, HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
            return;
        }
        String origin = request.getHeader("Origin");
        if (!origins.allows(origin)) {
            refuse(response, HttpServletResponse.SC_FORBIDDEN, "origin '" + origin + "' is not allowed");
            return;
        }
        if (!policy.allows(channel)) {
            refuse(response, HttpServletResponse.SC_FORBIDDEN, "requested channel '" + channel + "' is not allowed");
            return;
        }
        if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            response.setHeader("Upgrade", "websocket");
            refuse(response, UPGRADE_REQUIRED, PREFIX + channel + " is a WebSocket endpoint: connect with a WebSocket client");
            return;
        }
        if (relay.full()) {
            response.setHeader("Retry-After", "10");
            refuse(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "too many sessions open: try again later");
            return;
        }
        chain.doFilter(request, response);
    }

    /**
     * A complete answer: Content-Length from the encoded body, so a client knows where it ends. 426 is special.
     * Payara's Grizzly treats any response carrying {@code Upgrade} as switching protocols (no Content-Length,
     * connection left open), so {@code Connection: close} ends it. Not every server knows its reason phrase
     * (Payara writes {@code 426 CUSTOM}, Liberty {@code 426 Undefined}): {@link ReasonPhrase} names it where the
     * server allows; elsewhere {@code sendError}, whose message Payara takes as the reason phrase (an error page
     * would reset it), so the body there is the server's own error report.
     */
    private static void refuse(HttpServletResponse response, int status, String message) throws IOException {
        LOG.fine(() -> "refused with " + status + ": " + message);
        if (status == UPGRADE_REQUIRED) {
            response.setHeader("Connection", "close");
            if (!ReasonPhrase.set(response, status, "Upgrade Required")) {
                response.sendError(status, "Upgrade Required");
                return;
            }
        } else {
            response.setStatus(status);
        }
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        response.setContentType("text/plain;charset=UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
