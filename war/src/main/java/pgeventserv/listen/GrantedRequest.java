package pgeventserv.listen;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.security.Principal;
import pgeventserv.auth.Grant;

/**
 * The request as the transports see it once the front door admitted it with a token: its user principal is the
 * {@link Grant}. The principal is the one thing of the HTTP request a WebSocket handshake can read on every
 * server ({@code HandshakeRequest.getUserPrincipal()}); request attributes do not reach it.
 */
final class GrantedRequest extends HttpServletRequestWrapper {

    private final Grant grant;

    GrantedRequest(HttpServletRequest request, Grant grant) {
        super(request);
        this.grant = grant;
    }

    @Override
    public Principal getUserPrincipal() {
        return grant;
    }
}
