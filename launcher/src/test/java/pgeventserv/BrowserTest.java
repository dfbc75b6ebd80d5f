package pgeventserv;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

class BrowserTest {

    @AfterEach
    void restore() {
        System.clearProperty("chromium");
    }

    @Test
    void missingChromiumFailsTheTestWithTheInstallCommandInsteadOfSkippingIt() {
        System.setProperty("chromium", "/nonexistent/chromium");
        AssertionFailedError failure = assertThrows(AssertionFailedError.class, Browser::start);
        assertTrue(failure.getMessage().contains("apt-get install chromium chromium-driver"), failure.getMessage());
    }
}
