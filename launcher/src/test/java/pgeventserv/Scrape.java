package pgeventserv;

import java.io.IOException;
import java.net.URL;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the server's {@code /metrics} (Prometheus text) and {@code /health/*} as a monitoring system would. */
public final class Scrape {

    private Scrape() {
    }

    /** The value of one application metric, e.g. {@code pg_eventserv_sessions_open}. */
    public static double metric(URL base, String name) throws IOException {
        RawHttp.Response response = RawHttp.get(base, "/metrics");
        if (response.status() != 200) {
            throw new AssertionError("/metrics answered " + response.status() + ": " + response.body());
        }
        return metric(response.body(), name);
    }

    public static double metric(String prometheusText, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*\\})? (\\S+)$").matcher(prometheusText);
        if (!m.find()) {
            throw new AssertionError("no metric " + name + " in:\n" + prometheusText);
        }
        return Double.parseDouble(m.group(1));
    }

    public static int status(URL base, String path) {
        try {
            return RawHttp.get(base, path).status();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
