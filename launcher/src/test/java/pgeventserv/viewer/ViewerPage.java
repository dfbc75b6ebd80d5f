package pgeventserv.viewer;

import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import pgeventserv.Browser;

/** The viewer page as a person uses it, through the keyboard, read back from what it shows. */
final class ViewerPage {

    static final Duration WAIT = Duration.ofSeconds(20);

    /** One listed message: its channel, whether it was shown as JSON or as text, and the payload as shown. */
    record Message(String channel, String kind, String payload) {
    }

    private final Browser browser;

    ViewerPage(Browser browser) {
        this.browser = browser;
    }

    ViewerPage open(String url) {
        browser.driver().get(url);
        browser.await(WAIT, d -> d.findElement(By.id("channels")).isDisplayed());
        return this;
    }

    /** Types channel names into the labelled input and presses Enter. */
    void listen(String channels) {
        WebElement input = browser.driver().findElement(By.id("channels"));
        input.sendKeys(channels, Keys.ENTER);
    }

    WebElement socket(String channel) {
        return browser.await(WAIT, d -> d.findElements(By.cssSelector("#sockets li")).stream()
                .filter(li -> channel.equals(li.getDomAttribute("data-channel"))).findFirst().orElse(null));
    }

    /** Waits until the channel's socket shows {@code state}, and returns the socket's row. */
    WebElement awaitState(String channel, String state, Duration limit) {
        return browser.await(limit, d -> {
            WebElement row = socket(channel);
            return state.equals(row.getDomAttribute("data-state")) ? row : null;
        });
    }

    WebElement awaitState(String channel, String state) {
        return awaitState(channel, state, WAIT);
    }

    static String detail(WebElement socketRow) {
        return socketRow.findElement(By.className("detail")).getText();
    }

    /** The rendered messages, newest first (hidden ones included). */
    @SuppressWarnings("unchecked")
    List<Message> messages() {
        // Read in one script, atomically: the list changes under the test as messages arrive.
        List<List<String>> rows = (List<List<String>>) browser.script("""
                return [...document.querySelectorAll('#messages > li')].map(li =>
                    [li.dataset.channel, li.dataset.kind, li.querySelector('.payload').textContent]);""");
        return rows.stream().map(row -> new Message(row.get(0), row.get(1), row.get(2))).toList();
    }

    List<Message> awaitMessages(int count) {
        return browser.await(WAIT, d -> {
            List<Message> shown = messages();
            return shown.size() >= count ? shown : null;
        });
    }

    List<WebElement> visibleMessages() {
        return browser.driver().findElements(By.cssSelector("#messages > li")).stream()
                .filter(WebElement::isDisplayed).toList();
    }

    String count() {
        return browser.driver().findElement(By.id("count")).getText();
    }

    /** Presses a control from the keyboard: focus it and press Enter. */
    void press(String id) {
        browser.driver().findElement(By.id(id)).sendKeys(Keys.ENTER);
    }
}
