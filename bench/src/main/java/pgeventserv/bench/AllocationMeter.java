package pgeventserv.bench;

import java.io.IOException;

/**
 * Bytes the server's listener thread allocated in a measured window, from {@code pg_eventserv_listener_allocated_bytes}
 * (the delivery hot path: parsing, filtering, the frames of every write); {@code -1} when the server does not say (a
 * {@code --target}, an older build, a JVM that does not count).
 */
final class AllocationMeter implements Producer.Window {

    private final Server server;
    private long atStart = -1;
    private long during = -1;

    AllocationMeter(Server server) {
        this.server = server;
    }

    @Override
    public void mark(boolean start) {
        long now;
        try {
            now = parse(server.applicationMetrics());
        } catch (IOException | RuntimeException e) {
            now = -1;
        }
        if (start) {
            atStart = now;
        } else {
            during = now < 0 || atStart < 0 ? -1 : now - atStart;
        }
    }

    long during() {
        return during;
    }

    static long parse(String metrics) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith("pg_eventserv_listener_allocated_bytes")) {
                try {
                    return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
