package pgeventserv.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;
import pgeventserv.Browser;
import pgeventserv.LaunchedServer;
import pgeventserv.Pem;
import pgeventserv.TestDatabase;

/**
 * The viewer in a real browser while its server stops and starts again. The server is run as an operator
 * runs it ({@link LaunchedServer}) with {@code BasePath} and TLS, so the page is served over https under a
 * prefix; the test stops it under the page, then brings it back on the same ports with {@code UrlBase} set.
 */
class ViewerServerStopIT {

    // The page's backoff is capped at 30 s, and the second boot can take a while on a busy machine.
    private static final Duration RECONNECT = Duration.ofSeconds(120);

    @Test
    void httpsPageUsesWssShowsTheServersCloseThenReconnects() throws Exception {
        int http = LaunchedServer.freePort();
        int https = LaunchedServer.freePort();
        String channel = TestDatabase.uniqueChannel("it_stop");
        Path dir = Files.createTempDirectory("viewer-stop");
        Pem.Pair tls = Pem.selfSigned(dir, "server", "ec");
        Map<String, String> settings = new HashMap<>(Map.of(
                "ES_HTTPPORT", Integer.toString(http),
                "ES_HTTPSPORT", Integer.toString(https),
                "ES_TLSSERVERCERTIFICATEFILE", tls.certificate().toString(),
                "ES_TLSSERVERPRIVATEKEYFILE", tls.key().toString(),
                "ES_BASEPATH", "/pgevents",
                "ES_CHANNELS", "it*"));
        String ready = "http://127.0.0.1:" + http + "/pgevents/";
        String page = "https://localhost:" + https + "/pgevents/?channels=" + channel;

        try (Browser browser = Browser.start("--ignore-certificate-errors"); TestDatabase db = new TestDatabase()) {
            ViewerPage viewer = new ViewerPage(browser);
            try (LaunchedServer server = LaunchedServer.start("viewer-stop-first", settings, ready)) {
                viewer.open(page);
                WebElement socket = viewer.awaitState(channel, "open");
                assertTrue(ViewerPage.detail(socket).contains("wss://localhost:" + https + "/pgevents/listen"),
                        "a page served over https opens wss:// under BasePath: " + ViewerPage.detail(socket));
                assertEquals("before the stop", notifyOnceAndAwait(browser, viewer, db, channel, "before the stop"));
                server.stop();
            }

            WebElement socket = viewer.awaitState(channel, "reconnecting");
            String detail = ViewerPage.detail(socket);
            assertTrue(detail.contains("closed code 1001 (going away): server shutting down"),
                    "the close code and reason the server sent are shown: " + detail);
            browser.screenshot("viewer-server-stopped");
            db.notify(channel, "while the server is down");

            // UrlBase names 127.0.0.1 where the page says localhost: the reloaded page must follow UrlBase.
            settings.put("ES_URLBASE", "https://127.0.0.1:" + https + "/pgevents/");
            try (LaunchedServer server = LaunchedServer.start("viewer-stop-second", settings, ready)) {
                viewer.awaitState(channel, "open", RECONNECT);
                browser.await(Duration.ofSeconds(10), d -> viewer.messages().stream()
                        .anyMatch(m -> "gap".equals(m.kind())) ? true : null);
                assertEquals("after the restart", notifyOnceAndAwait(browser, viewer, db, channel, "after the restart"));
                List<ViewerPage.Message> shown = viewer.messages();
                assertEquals("before the stop", shown.get(shown.size() - 1).payload());
                assertTrue(shown.subList(1, shown.size() - 1).stream().anyMatch(m -> "gap".equals(m.kind())),
                        "what was sent while the server was down is marked as a gap, never a silent hole: " + shown);
                browser.screenshot("viewer-gap-after-restart");

                viewer.open(page);
                WebElement reloaded = viewer.awaitState(channel, "open");
                assertTrue(ViewerPage.detail(reloaded).contains("wss://127.0.0.1:" + https + "/pgevents/listen"),
                        "the socket URL is built from UrlBase: " + ViewerPage.detail(reloaded));
                server.stop();
            }
        } finally {
            Files.delete(tls.certificate());
            Files.delete(tls.key());
            Files.delete(dir);
        }
    }

    /** Subscribed on open holds while the server is still starting: one NOTIFY, sent once the socket is open, arrives. */
    private static String notifyOnceAndAwait(Browser browser, ViewerPage viewer, TestDatabase db, String channel, String payload)
            throws Exception {
        int before = viewer.messages().size();
        db.notify(channel, payload);
        return browser.await(Duration.ofSeconds(10), d -> {
            List<ViewerPage.Message> shown = viewer.messages();
            return shown.size() > before ? shown.get(0).payload() : null;
        });
    }
}
