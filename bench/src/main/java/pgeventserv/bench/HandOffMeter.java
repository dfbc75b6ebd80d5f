package pgeventserv.bench;

import java.io.IOException;
import java.util.Locale;

/**
 * What the server's listener thread did in a measured window, from our application metrics
 * ({@code pg_eventserv_listener_handoffs} and {@code _handoff_seconds}, {@code pg_eventserv_frames_sent}): how
 * many polls brought notifications, how long their hand-offs (the CDI events and the writes to every client)
 * took, and how many frames (one a notification a client) were written. A notification waits in the relay for about one hand-off, so these
 * say where a latency beyond the ceiling's goes.
 */
final class HandOffMeter implements Producer.Window {

    /**
     * Counts over a window; {@code count < 0} when the server did not say (a --target, an older build). The writer
     * threads beside the listener ({@code pg_eventserv_writer_threads}; 0 from a build without them) write the other
     * shares of the clients at the same time.
     */
    record HandOffs(long count, double seconds, long frames, long notifications, double windowSeconds, int writerThreads) {

        static final HandOffs UNKNOWN = new HandOffs(-1, -1, -1, -1, -1, 0);

        boolean known() {
            return count > 0 && frames > 0;
        }

        HandOffs minus(HandOffs earlier, double window) {
            if (count < 0 || earlier.count < 0) {
                return UNKNOWN;
            }
            return new HandOffs(count - earlier.count, seconds - earlier.seconds, frames - earlier.frames,
                    notifications - earlier.notifications, window, writerThreads);
        }

        /** Mean milliseconds from a poll's return to the end of its writes. */
        double meanMillis() {
            return seconds * 1000 / count;
        }

        /** The clients the listener thread writes itself: all, or its share beside the writer threads. */
        int listenerClients(int clients) {
            return (clients + writerThreads) / (writerThreads + 1);
        }

        /**
         * Mean microseconds of a hand-off per client the listener writes: the cost of one client's write (one write a
         * client a poll, whatever the poll brought), the poll's dispatch included.
         */
        double microsPerWrite(int clients) {
            return meanMillis() * 1000 / listenerClients(clients);
        }

        /** How the listener's writes are shared, for the report: "" with no writer threads. */
        String sharing(int clients) {
            return writerThreads == 0 ? "" : String.format(Locale.ROOT, "; the listener writes %,d of the %,d clients,"
                    + " %d writer thread(s) the rest at the same time", listenerClients(clients), clients, writerThreads);
        }

        double notificationsPerHandOff() {
            return notifications / (double) count;
        }

        /** Share of the window the listener thread spent handing off (near 1: it never waits for PostgreSQL). */
        double busy() {
            return seconds / windowSeconds;
        }
    }

    private final Server server;
    private HandOffs atStart = HandOffs.UNKNOWN;
    private long startNanos;
    private HandOffs during = HandOffs.UNKNOWN;

    HandOffMeter(Server server) {
        this.server = server;
    }

    @Override
    public void mark(boolean start) {
        HandOffs now;
        try {
            now = parse(server.applicationMetrics());
        } catch (IOException | RuntimeException e) {
            now = HandOffs.UNKNOWN;
        }
        if (start) {
            atStart = now;
            startNanos = System.nanoTime();
        } else {
            during = now.minus(atStart, (System.nanoTime() - startNanos) / 1e9);
        }
    }

    HandOffs during() {
        return during;
    }

    static HandOffs parse(String metrics) {
        double count = -1;
        double seconds = -1;
        double frames = -1;
        double notifications = -1;
        double writerThreads = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            String name = line.contains("{") ? line.substring(0, line.indexOf('{')) : line.substring(0, Math.max(0, line.indexOf(' ')));
            double value;
            try {
                value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim());
            } catch (NumberFormatException e) {
                continue;
            }
            switch (name) {
                case "pg_eventserv_listener_handoffs" -> count = value;
                case "pg_eventserv_listener_handoff_seconds" -> seconds = value;
                case "pg_eventserv_frames_sent" -> frames = value;
                case "pg_eventserv_notifications_received" -> notifications = value;
                case "pg_eventserv_writer_threads" -> writerThreads = value;
                default -> {
                }
            }
        }
        if (count < 0 || seconds < 0 || frames < 0 || notifications < 0) {
            return HandOffs.UNKNOWN;
        }
        return new HandOffs((long) count, seconds, (long) frames, (long) notifications, -1, (int) writerThreads);
    }
}
