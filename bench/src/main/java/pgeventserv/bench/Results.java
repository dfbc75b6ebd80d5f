package pgeventserv.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Everything one run measured, in the order it ran; the report renders it. */
final class Results {

    /** One flat-out phase: the ceiling client, or the relay with {@code clients} WebSocket clients. */
    record Throughput(String name, boolean ceiling, int clients, double notificationsPerSecond,
                      double deliveriesPerSecond, long sent, long missing, int errors, String note, CpuMeter.Share cpu,
                      GcMeter.Collections gc) {
    }

    /** One steady-rate phase: NOTIFY-to-client delay of every notification sent in the measured window. */
    record Latency(String name, boolean ceiling, int clients, int rate, Latencies.Summary summary, long missing,
                   int errors, String note, CpuMeter.Share cpu, GcMeter.Collections gc, HandOffMeter.HandOffs handOffs) {
    }

    /**
     * Live heap (after a full GC) and RSS of the server before and with {@code sessions} idle sessions open. The RSS
     * with them open is as it stands, before anything forces a collection, as a server's RSS is in use;
     * {@code rssAfterFullGc} is the same once the live-heap count's full collection has run (ours only; -1 for a
     * {@code --target}, whose heap is not counted).
     */
    record Memory(String name, int sessions, long heapBefore, long heapAfter, long rssBefore, long rssAfter, int errors, String note,
                  Map<String, Double> heapOwners, long rssAfterFullGc) {

        /** Negative when not measured. */
        double rssPerSessionAfterFullGc() {
            return rssAfterFullGc < 0 ? -1 : (rssAfterFullGc - rssBefore) / (double) sessions;
        }

        /** Negative when the heap was not measured (a {@code --target}). */
        double heapPerSession() {
            return heapBefore < 0 || heapAfter < 0 ? -1 : (heapAfter - heapBefore) / (double) sessions;
        }

        double rssPerSession() {
            return (rssAfter - rssBefore) / (double) sessions;
        }
    }

    /**
     * {@code clients} event streams reconnecting at once with a {@code Last-Event-ID} {@code behind} notifications back:
     * how long until all had their missed ones ({@code allDoneMicros}, -1 if some never did), the replay rate over that
     * time, the spread of each client's "request sent -> last missed one received", and what was wrong: clients that
     * did not get all, deliveries missing or beyond the expected count (doubled), out of sequence order.
     */
    record Resume(String name, int clients, int behind, int complete, long allDoneMicros, double replayedPerSecond,
                  Latencies.Summary reconnectToLast, long missing, long extra, long outOfOrder, int errors, String note) {
    }

    /** A phase that could not run at all, and why. */
    /**
     * One half of the filters phase: {@code clients} WebSocket clients on JSON payloads, each filtering on a tenant of
     * its own (each notification reaches one client) or none (each reaches all); flat out, then at {@code rate}.
     * {@code allocatedPerNotification}: bytes the server's listener thread allocated per notification, flat out (-1:
     * not known).
     */
    record Filters(String name, boolean filtered, int clients, double notificationsPerSecond, double deliveriesPerSecond,
                   long missing, int errors, String note, CpuMeter.Share cpu, GcMeter.Collections gc,
                   double allocatedPerNotification, int rate, Latencies.Summary latency) {

        /** Server time per notification flat out, microseconds. */
        double microsPerNotification() {
            return notificationsPerSecond > 0 ? 1e6 / notificationsPerSecond : Double.NaN;
        }
    }

    record Failure(String phase, String reason) {
    }

    final List<Throughput> throughput = new ArrayList<>();
    final List<Latency> latency = new ArrayList<>();
    final List<Failure> failures = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    final List<Memory> memory = new ArrayList<>();
    final List<Resume> resume = new ArrayList<>();
    final List<Filters> filters = new ArrayList<>();
    String startedAt;
    String label;
    String loadAtStart;
    String loadAtEnd;
    /** Microseconds of one plain loopback socket write on this machine ({@link SocketWriteCost}); NaN if not measured. */
    double socketWriteMicros = Double.NaN;
    long serverPid;
    String settings;

    /** The ceiling is measured twice, before and after the relay's phases: the better run is the reference. */
    Optional<Throughput> ceilingThroughput() {
        return throughput.stream().filter(Throughput::ceiling)
                .max(Comparator.comparingDouble(Throughput::deliveriesPerSecond));
    }

    /** The pgjdbc client's latency at this rate, the reference for the relay's rows at the same rate. */
    Optional<Latency> ceilingLatency(int rate) {
        return latency.stream().filter(l -> l.ceiling() && l.rate() == rate).findFirst();
    }

    /** Whether any row is a {@code --target}'s: then every row says whose it is. */
    boolean hasTarget() {
        return throughput.stream().anyMatch(t -> t.name().startsWith(Bench.TARGET))
                || latency.stream().anyMatch(l -> l.name().startsWith(Bench.TARGET))
                || memory.stream().anyMatch(m -> m.name().startsWith(Bench.TARGET))
                || resume.stream().anyMatch(r -> r.name().startsWith(Bench.TARGET));
    }

    /** The name of a fan-out row over server-sent events: the WebSocket row of the same server and clients without it. */
    static String sseRow(String name) {
        return name + SSE;
    }

    static final String SSE = ", SSE";

    static boolean isSse(Throughput row) {
        return !row.ceiling() && row.name().endsWith(SSE);
    }

    /** An SSE fan-out row's deliveries/s over the WebSocket row's of the same server and clients, in this run. */
    Optional<Double> sseOverWebSocket(Throughput sse) {
        if (!isSse(sse)) {
            return Optional.empty();
        }
        String webSocket = sse.name().substring(0, sse.name().length() - SSE.length());
        return throughput.stream()
                .filter(t -> !t.ceiling() && t.name().equals(webSocket) && t.clients() == sse.clients() && t.deliveriesPerSecond() > 0)
                .findFirst().map(t -> sse.deliveriesPerSecond() / t.deliveriesPerSecond());
    }

    /** A figure as a fraction of the ceiling's, or empty when the ceiling was not measured. */
    Optional<Double> ofCeiling(double deliveriesPerSecond) {
        return ceilingThroughput().filter(c -> c.deliveriesPerSecond() > 0)
                .map(c -> deliveriesPerSecond / c.deliveriesPerSecond());
    }
}
