package pgeventserv.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code jcmd GC.class_histogram}'s answer: live instances and bytes by class. Two of them, before and with the idle
 * sessions open, say what a session keeps on the heap, class by class: the figures for an upstream issue.
 */
record HeapHistogram(long totalBytes, Map<String, long[]> byClass) {

    /** One class's share of what each session keeps. */
    record PerSession(String className, double instances, double bytes) {
    }

    static HeapHistogram parse(String jcmdOutput) throws IOException {
        Map<String, long[]> byClass = new HashMap<>();
        long total = -1;
        for (String line : jcmdOutput.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[0].equals("Total")) {
                total = Long.parseLong(f[f.length - 1]);
            } else if (f.length >= 4 && f[0].endsWith(":")) {
                try {
                    byClass.merge(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])},
                            (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
                } catch (NumberFormatException e) {
                    // not a histogram row
                }
            }
        }
        if (total < 0) {
            throw new IOException("jcmd GC.class_histogram gave no total: " + jcmdOutput.lines().limit(3).toList());
        }
        return new HeapHistogram(total, byClass);
    }

    /** What grew from {@code before} to this, per session, the largest first, at most {@code limit} classes. */
    List<PerSession> growthPerSession(HeapHistogram before, int sessions, int limit) {
        List<PerSession> rows = new ArrayList<>();
        for (Map.Entry<String, long[]> e : byClass.entrySet()) {
            long[] was = before.byClass.getOrDefault(e.getKey(), new long[2]);
            long bytes = e.getValue()[1] - was[1];
            if (bytes > 0) {
                rows.add(new PerSession(e.getKey(), (e.getValue()[0] - was[0]) / (double) sessions, bytes / (double) sessions));
            }
        }
        rows.sort(Comparator.comparingDouble(PerSession::bytes).reversed());
        return rows.subList(0, Math.min(limit, rows.size()));
    }

    /**
     * Who owns what grew: bytes per session by the package of the class, in a fixed order. Arrays, strings and
     * collections are the JDK's whoever holds them (a heap dump tells their holders; a histogram cannot).
     */
    Map<String, Double> growthPerSessionByOwner(HeapHistogram before, int sessions) {
        Map<String, Double> owners = new LinkedHashMap<>();
        for (String owner : OWNERS) {
            owners.put(owner, 0.0);
        }
        for (PerSession r : growthPerSession(before, sessions, Integer.MAX_VALUE)) {
            owners.merge(owner(r.className()), r.bytes(), Double::sum);
        }
        return owners;
    }

    static final String HTTP = "the HTTP layer (Grizzly, Catalina, Payara's web container)";
    static final String TYRUS = "Tyrus";
    static final String OURS = "pg_eventserv";
    static final String JDK = "the JDK's arrays, strings and collections";
    static final String OTHER = "other";
    private static final List<String> OWNERS = List.of(HTTP, TYRUS, OURS, JDK, OTHER);

    static String owner(String className) {
        if (className.startsWith("org.glassfish.grizzly.") || className.startsWith("org.apache.catalina.")
                || className.startsWith("org.apache.coyote.") || className.startsWith("com.sun.enterprise.web.")
                || className.startsWith("org.glassfish.web.")) {
            return HTTP;
        }
        if (className.startsWith("org.glassfish.tyrus.")) {
            return TYRUS;
        }
        if (className.startsWith("pgeventserv.")) {
            return OURS;
        }
        if (className.startsWith("[") || className.startsWith("java.")) {
            return JDK;
        }
        return OTHER;
    }

    /** The growth as a plain table, one class a line. */
    static String table(List<PerSession> rows, int sessions) {
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT, "%10s %10s  %s  (per session, %,d sessions)%n",
                "bytes", "instances", "class", sessions));
        for (PerSession r : rows) {
            t.append(String.format(Locale.ROOT, "%10.0f %10.2f  %s%n", r.bytes(), r.instances(), r.className()));
        }
        return t.toString();
    }
}
