package pgeventserv.listen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;
import pgeventserv.Browser;
import pgeventserv.LaunchedServer;
import pgeventserv.TestDatabase;

/**
 * The viewer in a real browser while its server stops and starts again: the server is run as a person runs it
 * ({@link LaunchedServer}), so the test can stop it under the page and bring it back on the same port.
 */
class ViewerServerStopIT {

    // The page's backoff is capped at 30 s, and the second boot can take a while on a busy machine.
    private static final Duration RECONNECT = Duration.ofSeconds(120);

    @Test
    void serverStopShowsCloseCodeAndReasonThenThePageReconnects() throws Exception {
        int port = LaunchedServer.freePort();
        String channel = TestDatabase.uniqueChannel("it_stop");
        // The page is opened as localhost while UrlBase names 127.0.0.1: the socket must follow UrlBase.
        Map<String, String> environment = Map.of("ES_CHANNELS", "it*", "ES_URLBASE", "http://127.0.0.1:" + port + "/");
        try (Browser browser = Browser.start(); TestDatabase db = new TestDatabase()) {
            ViewerPage viewer = new ViewerPage(browser);
            try (LaunchedServer server = LaunchedServer.start("viewer-stop-first", port, environment)) {
                viewer.open("http://localhost:" + port + "/?channels=" + channel);
                WebElement open = viewer.awaitState(channel, "open");
                assertTrue(ViewerPage.detail(open).startsWith("ws://127.0.0.1:" + port + "/listen/" + channel),
                        "the socket URL is built from UrlBase: " + ViewerPage.detail(open));
                db.notify(channel, "before the stop");
                viewer.awaitMessages(1);
                server.stop();
            }

            WebElement socket = viewer.awaitState(channel, "reconnecting");
            String detail = ViewerPage.detail(socket);
            assertTrue(detail.contains("closed code 1001 (going away): server shutting down"),
                    "the close code and reason the server sent are shown: " + detail);
            browser.screenshot("viewer-server-stopped");

            try (LaunchedServer server = LaunchedServer.start("viewer-stop-second", port, environment)) {
                viewer.awaitState(channel, "open", RECONNECT);
                db.notify(channel, "after the restart");
                assertEquals("after the restart", viewer.awaitMessages(2).get(0).payload());
                server.stop();
            }
        }
    }
}
