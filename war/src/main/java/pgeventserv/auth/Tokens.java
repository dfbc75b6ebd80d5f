package pgeventserv.auth;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Where a request's token is found, in order: {@code Authorization: Bearer <token>}, the cookie
 * {@value #COOKIE} (what a browser page can set for a WebSocket or an {@code EventSource}, which cannot send
 * headers; read only when {@code CORSOrigins} names the pages allowed, since a browser sends it whatever page opens
 * the connection), and the query parameter {@code JwtQueryParameter} names, when it names one (off by default: URLs
 * end up in proxies' and servers' access logs).
 */
public final class Tokens {

    public static final String COOKIE = "pg_eventserv_token";
    private static final String BEARER = "bearer ";

    private Tokens() {
    }

    /** The token, or null when the request carries none; the cookie is read only when {@code readCookie}. */
    public static String from(HttpServletRequest request, String queryParameter, boolean readCookie) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return authorization.substring(BEARER.length()).trim();
        }
        Cookie[] cookies = readCookie ? request.getCookies() : null;
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                if (COOKIE.equals(cookie.getName()) && !cookie.getValue().isEmpty()) {
                    return cookie.getValue();
                }
            }
        }
        if (queryParameter != null) {
            String token = request.getParameter(queryParameter);
            if (token != null && !token.isEmpty()) {
                return token;
            }
        }
        return null;
    }
}
