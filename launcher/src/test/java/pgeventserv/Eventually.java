package pgeventserv;

import java.time.Duration;

/** Waits for a condition the test cannot be notified of (a log line, an HTTP status), polling within a bound. */
public final class Eventually {

    private static final long POLL_MILLIS = 100;

    private Eventually() {
    }

    public interface Check {
        boolean holds() throws Exception;
    }

    /** Returns as soon as the check holds; fails with the description when it has not within the timeout. */
    public static void within(Duration timeout, String description, Check check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (check.holds()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toSeconds() + " s: " + description);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
