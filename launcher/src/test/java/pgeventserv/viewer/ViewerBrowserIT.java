package pgeventserv.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.sql.PreparedStatement;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import pgeventserv.Browser;
import pgeventserv.Deployments;
import pgeventserv.TestDatabase;
import pgeventserv.viewer.ViewerPage.Message;

/**
 * The viewer page in a real browser (headless Chromium), against the real server and PostgreSQL. The WAR is
 * deployed at {@code /events/}, not at the root, so the page must build every URL relative to itself.
 * The test server allows channels {@code it*}.
 */
@ExtendWith(ArquillianExtension.class)
class ViewerBrowserIT {

    private static final String CONTEXT = "events";
    private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(10);
    private static final String ROW_JSON =
            "{\"pk\":1,\"ts\":\"2024-05-01T12:00:00.123+00:00\",\"name\":\"Paul\",\"age\":51,\"height\":1.9,\"dml_action\":\"INSERT\"}";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.builtWarAt(CONTEXT);
    }

    @ArquillianResource
    URL base;

    static Browser browser;
    static TestDatabase db;

    @BeforeAll
    static void start() throws Exception {
        browser = Browser.start();
        db = new TestDatabase();
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private String page() {
        return "http://127.0.0.1:" + base.getPort() + "/" + CONTEXT + "/";
    }

    private ViewerPage open() {
        return new ViewerPage(browser).open(page());
    }

    /** Opens the page and listens to the channel from the keyboard. */
    private ViewerPage openListeningTo(String channel) {
        ViewerPage viewer = open();
        viewer.listen(channel);
        viewer.awaitState(channel, "open");
        return viewer;
    }

    @Test
    void jsonAndPlainPayloadsAppearNewestFirstWithChannelAndTime() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_viewer");
        ViewerPage viewer = open();
        assertEquals("it*", browser.driver().findElement(By.id("patterns")).getText(), "the allowed patterns are shown");

        viewer.listen(channel);
        WebElement socket = viewer.awaitState(channel, "open");
        assertTrue(ViewerPage.detail(socket).contains("ws://127.0.0.1:" + base.getPort() + "/" + CONTEXT + "/listen"),
                "the socket is opened under the page's own context path: " + ViewerPage.detail(socket));

        db.notify(channel, ROW_JSON);
        db.notify(channel, "hello from NOTIFY");
        List<Message> messages = viewer.awaitMessages(2);

        assertEquals(new Message(channel, "text", "hello from NOTIFY"), messages.get(0), "the newest is on top, raw");
        assertEquals(new Message(channel, "json", """
                {
                  "pk": 1,
                  "ts": "2024-05-01T12:00:00.123+00:00",
                  "name": "Paul",
                  "age": 51,
                  "height": 1.9,
                  "dml_action": "INSERT"
                }"""), messages.get(1), "JSON is pretty-printed");
        WebElement first = browser.driver().findElement(By.cssSelector("#messages > li"));
        assertEquals(channel, first.findElement(By.className("channel")).getText());
        assertFalse(first.findElement(By.tagName("time")).getDomAttribute("datetime").isEmpty(), "the arrival time is shown");
        assertTrue(browser.driver().getCurrentUrl().endsWith("?channels=" + channel), "the address keeps the channels");

        browser.screenshot("viewer");
    }

    @Test
    void jsonIsCollapsibleFromTheKeyboard() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_viewer");
        ViewerPage viewer = openListeningTo(channel);
        db.notify(channel, ROW_JSON);
        viewer.awaitMessages(1);

        WebElement details = browser.driver().findElement(By.cssSelector("#messages > li details"));
        WebElement payload = details.findElement(By.className("payload"));
        WebElement preview = details.findElement(By.className("preview"));
        assertTrue(payload.isDisplayed(), "expanded by default");
        details.findElement(By.tagName("summary")).sendKeys(Keys.ENTER);
        browser.await(ViewerPage.WAIT, d -> !payload.isDisplayed());
        assertEquals(ROW_JSON, preview.getText(), "collapsed, a one-line preview remains");

        details.findElement(By.tagName("summary")).sendKeys(Keys.ENTER);
        browser.await(ViewerPage.WAIT, d -> payload.isDisplayed());

        browser.driver().findElement(By.id("expand")).sendKeys(Keys.SPACE);
        browser.await(ViewerPage.WAIT, d -> !payload.isDisplayed());
    }

    @Test
    void channelsInTheAddressAreListenedToOnOpening() throws Exception {
        String first = TestDatabase.uniqueChannel("it_preset");
        String second = TestDatabase.uniqueChannel("it_preset");
        ViewerPage viewer = new ViewerPage(browser).open(page() + "?channels=" + first + "," + second);
        viewer.awaitState(first, "open");
        viewer.awaitState(second, "open");

        db.notify(first, "to the first");
        db.notify(second, "to the second");
        List<Message> messages = viewer.awaitMessages(2);
        assertTrue(messages.contains(new Message(first, "text", "to the first")), messages.toString());
        assertTrue(messages.contains(new Message(second, "text", "to the second")), messages.toString());
    }

    @Test
    void contextRootWithoutTrailingSlashStillListensUnderIt() {
        String channel = TestDatabase.uniqueChannel("it_noslash");
        ViewerPage viewer = new ViewerPage(browser).open("http://127.0.0.1:" + base.getPort() + "/" + CONTEXT + "?channels=" + channel);
        WebElement socket = viewer.awaitState(channel, "open");
        assertTrue(ViewerPage.detail(socket).contains("/" + CONTEXT + "/listen"), ViewerPage.detail(socket));
    }

    @Test
    void refusedChannelShowsTheServersReasonAndIsNotRetried() {
        ViewerPage viewer = open();
        viewer.listen("forbidden_channel");
        WebElement socket = viewer.awaitState("forbidden_channel", "refused");
        assertEquals("403: requested channel 'forbidden_channel' is not allowed", ViewerPage.detail(socket));
    }

    @Test
    void filterPauseAndClear() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_controls");
        ViewerPage viewer = openListeningTo(channel);
        db.notify(channel, "apple 1");
        db.notify(channel, "banana 2");
        viewer.awaitMessages(2);

        browser.driver().findElement(By.id("filter")).sendKeys("APPLE");
        browser.await(ViewerPage.WAIT, d -> viewer.visibleMessages().size() == 1);
        assertEquals("apple 1", viewer.visibleMessages().get(0).findElement(By.className("payload")).getText());
        assertTrue(viewer.count().startsWith("1 of 2 shown"), viewer.count());
        browser.driver().findElement(By.id("filter")).sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
        browser.await(ViewerPage.WAIT, d -> viewer.visibleMessages().size() == 2);

        viewer.press("pause");
        db.notify(channel, "cherry 3");
        browser.await(ViewerPage.WAIT, d -> viewer.count().contains("1 waiting while paused"));
        assertEquals(2, viewer.messages().size(), "nothing new is shown while paused");
        viewer.press("pause");
        assertEquals("cherry 3", viewer.awaitMessages(3).get(0).payload(), "resuming shows what arrived meanwhile");

        viewer.press("clear");
        browser.await(ViewerPage.WAIT, d -> viewer.messages().isEmpty());
        assertTrue(browser.driver().findElement(By.id("empty")).isDisplayed());
    }

    @Test
    void aChannelsServerFilterShowsOnlyTheRowsItMatchesAndABadOneIsRefusedWithTheReason() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_vfilter");
        ViewerPage viewer = openListeningTo(channel);
        WebElement filter = viewer.socket(channel).findElement(By.className("channel-filter"));
        filter.sendKeys("tenant=zz.7", Keys.ENTER);
        WebElement refused = viewer.awaitState(channel, "refused");
        assertTrue(ViewerPage.detail(refused).startsWith("400: filter 'tenant=zz.7'"), ViewerPage.detail(refused));

        filter.sendKeys(Keys.chord(Keys.CONTROL, "a"), "tenant=in.(7,9)&op=eq.INSERT", Keys.ENTER);
        browser.await(ViewerPage.WAIT, d -> "tenant=in.(7,9)&op=eq.INSERT".equals(
                viewer.socket(channel).getDomAttribute("data-filter"))
                && "open".equals(viewer.socket(channel).getDomAttribute("data-state")));
        db.notify(channel, "{\"tenant\":8,\"op\":\"INSERT\"}");
        db.notify(channel, "{\"tenant\":7,\"op\":\"DELETE\"}");
        db.notify(channel, "{\"tenant\":7,\"op\":\"INSERT\",\"n\":1}");
        List<Message> shown = viewer.awaitMessages(1);
        assertEquals(1, shown.size(), shown.toString());
        assertTrue(shown.get(0).payload().contains("\"n\": 1"), shown.toString());
    }

    @Test
    void keepsOnlyTheLast500Messages() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_bound");
        ViewerPage viewer = openListeningTo(channel);
        try (PreparedStatement burst = db.connection().prepareStatement(
                "SELECT pg_notify(?, 'message ' || i) FROM generate_series(1, 510) AS i")) {
            burst.setString(1, channel);
            burst.execute();
        }
        browser.await(ViewerPage.WAIT, d -> {
            List<Message> shown = viewer.messages();
            return !shown.isEmpty() && shown.get(0).payload().equals("message 510");
        });
        List<Message> shown = viewer.messages();
        assertEquals(500, shown.size());
        assertEquals("message 11", shown.get(shown.size() - 1).payload(), "the oldest ten were dropped");
    }

    @Test
    void everyControlHasALabelOrAName() {
        openListeningTo(TestDatabase.uniqueChannel("it_names"));
        Object unnamed = browser.script("""
                return [...document.querySelectorAll('input, button')]
                    .filter(c => c.tagName === 'INPUT' ? c.labels.length === 0
                        : !(c.getAttribute('aria-label') || c.textContent.trim()))
                    .map(c => c.outerHTML);""");
        assertEquals(List.of(), unnamed);
    }

    @Test
    void sessionUrlFollowsThePageSchemeAndUrlBase() {
        open();
        assertEquals("wss://example.org/events/listen", sessionUrl("https://example.org/events/", null),
                "a page served over https opens wss://");
        assertEquals("ws://example.org/events/listen", sessionUrl("http://example.org/events/index.html?channels=people", null));
        assertEquals("wss://public.example/es/listen", sessionUrl("http://10.0.0.1:7700/", "https://public.example/es"),
                "UrlBase wins over the page's address");
        assertEquals("ws://127.0.0.1:7700/listen", sessionUrl("http://127.0.0.1:7700/", "http://127.0.0.1:7700/"));
    }

    @Test
    void aDroppedConnectionResumesWithNothingMissedAndNoGap() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_drop");
        ViewerPage viewer = openListeningTo(channel);
        db.notify(channel, "before the drop");
        browser.await(WAIT, d -> viewer.messages().size() == 1 ? true : null);
        browser.script("window.pgEventserv.dropConnection();");
        db.notify(channel, "during the drop");
        viewer.awaitState(channel, "open");
        db.notify(channel, "after the drop");
        browser.await(WAIT, d -> viewer.messages().size() == 3 ? true : null);
        assertEquals(List.of("after the drop", "during the drop", "before the drop"),
                viewer.messages().stream().map(ViewerPage.Message::payload).toList(), "resumed, no gap marker");
    }

    private static String sessionUrl(String pageUrl, String urlBase) {
        return (String) browser.script("return window.pgEventserv.sessionUrl(arguments[0], arguments[1]);", pageUrl, urlBase);
    }
}
