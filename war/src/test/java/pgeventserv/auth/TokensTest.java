package pgeventserv.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where a request's token is found: the header first, then the cookie, then the query parameter when one is named. */
class TokensTest {

    /** A request with these headers, cookies (null for none) and query parameters; nothing else. */
    private static HttpServletRequest request(Map<String, String> headers, Cookie[] cookies,
            Map<String, String> parameters) {
        return (HttpServletRequest) Proxy.newProxyInstance(TokensTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getHeader" -> headers.get((String) args[0]);
                    case "getCookies" -> cookies;
                    case "getParameter" -> parameters.get((String) args[0]);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static Cookie cookie(String name, String value) {
        return new Cookie(name, value);
    }

    @Test
    void aBearerHeaderGivesItsTokenWithoutTheSchemeOrSurroundingSpaces() {
        assertEquals("abc.def.ghi", Tokens.from(request(Map.of("Authorization", "Bearer  abc.def.ghi "), null, Map.of()),
                null, true));
    }

    @Test
    void theBearerSchemeIsMatchedWhateverItsCase() {
        assertEquals("t", Tokens.from(request(Map.of("Authorization", "bEaReR t"), null, Map.of()), null, true));
    }

    @Test
    void anotherAuthorizationSchemeIsNoTokenAndTheCookieIsUsed() {
        HttpServletRequest r = request(Map.of("Authorization", "Basic dXNlcjpwYXNz"),
                new Cookie[] {cookie(Tokens.COOKIE, "from-cookie")}, Map.of());
        assertEquals("from-cookie", Tokens.from(r, null, true));
    }

    @Test
    void theHeaderWinsOverTheCookieAndTheQueryParameter() {
        HttpServletRequest r = request(Map.of("Authorization", "Bearer from-header"),
                new Cookie[] {cookie(Tokens.COOKIE, "from-cookie")}, Map.of("jwt", "from-query"));
        assertEquals("from-header", Tokens.from(r, "jwt", true));
    }

    @Test
    void theCookieIsFoundAmongOthersAndWinsOverTheQueryParameter() {
        HttpServletRequest r = request(Map.of(),
                new Cookie[] {cookie("session", "other"), cookie(Tokens.COOKIE, "from-cookie")}, Map.of("jwt", "from-query"));
        assertEquals("from-cookie", Tokens.from(r, "jwt", true));
    }

    @Test
    void anEmptyCookieIsNoTokenAndTheQueryParameterIsUsed() {
        HttpServletRequest r = request(Map.of(), new Cookie[] {cookie(Tokens.COOKIE, "")}, Map.of("jwt", "from-query"));
        assertEquals("from-query", Tokens.from(r, "jwt", true));
    }

    @Test
    void otherCookiesAreNoToken() {
        assertNull(Tokens.from(request(Map.of(), new Cookie[] {cookie("session", "s")}, Map.of()), null, true));
    }

    @Test
    void theQueryParameterIsReadOnlyWhenOneIsNamed() {
        HttpServletRequest r = request(Map.of(), null, Map.of("jwt", "from-query"));
        assertNull(Tokens.from(r, null, true));
        assertEquals("from-query", Tokens.from(r, "jwt", true));
    }

    @Test
    void anEmptyQueryParameterIsNoToken() {
        assertNull(Tokens.from(request(Map.of(), null, Map.of("jwt", "")), "jwt", true));
    }

    @Test
    void aRequestWithoutAnyIsNoToken() {
        assertNull(Tokens.from(request(Map.of(), null, Map.of()), "jwt", true));
    }
}
