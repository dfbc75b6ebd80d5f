package pgeventserv.bench;

import java.io.IOException;
import java.util.Locale;

/**
 * The server's garbage collections during a measured window, all collectors, from its MicroProfile base
 * metrics ({@code /metrics?scope=base}): every pause stops delivery, so they are what a latency tail is made of.
 */
final class GcMeter implements Producer.Window {

    /** Collections and the time they took; {@code -1} when the server did not say. */
    record Collections(long count, double millis) {

        static final Collections UNKNOWN = new Collections(-1, -1);

        Collections minus(Collections earlier) {
            if (count < 0 || earlier.count < 0) {
                return UNKNOWN;
            }
            return new Collections(count - earlier.count, millis - earlier.millis);
        }
    }

    private final Server server;
    private Collections atStart = Collections.UNKNOWN;
    private Collections during = Collections.UNKNOWN;

    GcMeter(Server server) {
        this.server = server;
    }

    /** A server whose metrics cannot be read gives no GC figures ("-"); the phase is measured all the same. */
    @Override
    public void mark(boolean start) {
        Collections now;
        try {
            now = parse(server.baseMetrics());
        } catch (IOException | RuntimeException e) {
            now = Collections.UNKNOWN;
        }
        if (start) {
            atStart = now;
        } else {
            during = now.minus(atStart);
        }
    }

    Collections during() {
        return during;
    }

    /** Sums {@code gc_total} and {@code gc_time_seconds_total} over the collectors in Prometheus text. */
    static Collections parse(String metrics) {
        long count = 0;
        double seconds = 0;
        boolean found = false;
        for (String line : metrics.split("\n")) {
            String value = line.substring(line.lastIndexOf(' ') + 1).trim();
            if (line.startsWith("gc_total{")) {
                count += (long) Double.parseDouble(value);
                found = true;
            } else if (line.startsWith("gc_time_seconds_total{")) {
                seconds += Double.parseDouble(value);
            }
        }
        return found ? new Collections(count, seconds * 1000) : Collections.UNKNOWN;
    }

    static String describe(Collections c) {
        return c.count() < 0 ? "-" : String.format(Locale.ROOT, "%d / %.0f ms", c.count(), c.millis());
    }
}
