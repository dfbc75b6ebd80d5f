package pgeventserv.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import pgeventserv.Deployments;
import pgeventserv.RawHttp;
import pgeventserv.RawHttp.Response;

/** What the server answers over plain HTTP, read from the wire. The test server allows channels {@code it*}. */
@ExtendWith(ArquillianExtension.class)
class HttpSurfaceIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.builtWar();
    }

    @ArquillianResource
    URL base;

    @Test
    void allowedChannelUpgradesWith101() throws Exception {
        Response response = RawHttp.upgrade(base, "/listen/it_upgrade");
        assertEquals(101, response.status(), response.head());
    }

    @Test
    void disallowedChannelIsRefusedWith403BeforeUpgrade() throws Exception {
        Response response = RawHttp.upgrade(base, "/listen/forbidden");
        assertEquals(403, response.status());
        assertEquals("requested channel 'forbidden' is not allowed", response.body().trim());
    }

    @Test
    void allowListIsCaseSensitive() throws Exception {
        assertEquals(403, RawHttp.upgrade(base, "/listen/IT_upper").status());
    }

    @Test
    void emptyChannelNameIs400() throws Exception {
        Response response = RawHttp.upgrade(base, "/listen/");
        assertEquals(400, response.status());
        assertTrue(response.body().contains("empty"), response.body());
    }

    @Test
    void channelNameOver63BytesIs400() throws Exception {
        Response response = RawHttp.upgrade(base, "/listen/it" + "x".repeat(62));
        assertEquals(400, response.status());
        assertTrue(response.body().contains("63"), response.body());
        assertEquals(101, RawHttp.upgrade(base, "/listen/it" + "x".repeat(61)).status());
    }

    /**
     * Payara's and Liberty's HTTP layers refuse an encoded NUL themselves, with their own body (none, or HTML);
     * where the request reaches the application (WildFly), its plain-text answer says why.
     */
    @Test
    void channelNameWithNulIs400() throws Exception {
        Response response = RawHttp.upgrade(base, "/listen/it%00x");
        assertEquals(400, response.status());
        if (response.head().toLowerCase().contains("content-type: text/plain")) {
            assertTrue(response.body().contains("NUL"), response.body());
        }
    }

    /**
     * A plain GET (curl, a browser) on a WebSocket endpoint gets a complete 426 naming the protocol to upgrade to;
     * it used to get {@code 426 CUSTOM} with no end, so curl waited for its own timeout.
     */
    @Test
    void plainGetOnListenIs426UpgradeRequiredAndEnds() throws Exception {
        Response response = RawHttp.getKeepAlive(base, "/listen/it_plain");
        assertEquals(426, response.status(), response.head());
        assertEquals("Upgrade Required", response.reason(), response.head());
        assertEquals("websocket", response.header("Upgrade"), response.head());
        assertTrue(response.ended(), "the 426 never ended: " + response.head());
    }

    /** Every refusal is a complete answer with its reason phrase, on a kept-alive connection too. */
    @Test
    void refusalsEndWithTheirReasonPhrase() throws Exception {
        assertRefusal(RawHttp.upgrade(base, "/listen/"), 400, "Bad Request");
        assertRefusal(RawHttp.upgrade(base, "/listen/forbidden"), 403, "Forbidden");
        assertRefusal(RawHttp.getKeepAlive(base, "/listen/forbidden"), 403, "Forbidden");
        assertRefusal(RawHttp.getKeepAlive(base, "/nothing-here"), 404, "Not Found");
        Response response = RawHttp.upgrade(base, "/listen/forbidden");
        assertEquals(String.valueOf(response.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length),
                response.header("Content-Length"), "the refusal's length is its encoded body's");
    }

    static void assertRefusal(Response response, int status, String reason) {
        assertEquals(status, response.status(), response.head());
        assertEquals(reason, response.reason(), response.head());
        assertTrue(response.ended(), "the " + status + " never ended: " + response.head());
    }

    @Test
    void viewerPageIsServedAtRootAndIndexHtml() throws Exception {
        for (String path : new String[] {"/", "/index.html"}) {
            Response response = RawHttp.get(base, path);
            assertEquals(200, response.status(), path);
            assertTrue(response.head().toLowerCase().contains("content-type: text/html"), response.head());
            assertTrue(response.body().contains("<title>pg_eventserv</title>"));
            assertTrue(response.body().contains("\"channels\":[\"it*\"]"), "the page lists the allowed patterns");
        }
    }

    @Test
    void anythingElseIs404() throws Exception {
        assertEquals(404, RawHttp.get(base, "/nothing-here").status());
        assertEquals(404, RawHttp.get(base, "/WEB-INF/viewer/index.html").status());
    }
}
