package pgeventserv.launch;

import java.util.ArrayList;
import java.util.List;

/**
 * The options of the server JVM: the {@code -X} and {@code -D} options this launcher's JVM was started with, so
 * that {@code JAVA_OPTS="-Xmx1g" scripts/pg_eventserv} sizes the server's heap, and a system property read by the
 * server itself before any configuration file is loaded (Grizzly's, say) reaches it in time. Debugger options
 * are left out: the server would try to open the same debug port.
 *
 * <p>One default of our own, {@value #MEMORY_MANAGER}: Grizzly's pooled memory manager. Every raw write of the
 * listener thread passes through Catalina's response buffer, fixed at 8 KB, and Grizzly's default (heap)
 * manager allocates a fresh one for each write from a thread that is not one of its own (only those have a
 * thread-local pool): some 800 MB/s of garbage at 100 clients x 1,000 notifications/s, and its collections
 * were the latency tail. The pooled manager recycles those buffers whatever the thread; it keeps 3 % of the
 * maximum heap for them. {@code -Dorg.glassfish.grizzly.DEFAULT_MEMORY_MANAGER=...} chooses another.
 *
 * <p>{@value #JSON_PROVIDER} names JSON-P's provider ({@value #PARSSON}, the one Payara ships), so that
 * {@code Json.createObjectBuilder()} and its kin no longer look it up with a {@code ServiceLoader} at every call,
 * each a scan of the class path's jars, under one lock per jar. Payara's own {@code /health} answer makes three such
 * calls; during a burst of 1,000 handshakes on 2 cores the scans were about an eighth of the server's sampled CPU,
 * most of them for readiness answers (docs/benchmarks.md). {@code -Djakarta.json.provider=...} chooses another.
 *
 * <p>On Java 25 and later (the server runs on the launcher's Java), compact object headers: most of an idle
 * session's memory is hundreds of small objects of the server's HTTP layer, and 4 bytes fewer each take some
 * 2.5 KB off every session. {@code -XX:-UseCompactObjectHeaders} turns them off.
 *
 * <p>C2 later ({@link #LATER_C2}): with the default thresholds the optimizing compiler spends more CPU during a start
 * than any thread of the server itself (some 7 of 19 s on 2 cores), on boot code that runs a few thousand times
 * and never again. Ten times the invocation and loop counts before a method goes to C2 leaves that code to C1;
 * the relay's hot path passes those counts within its first second of load and is then compiled by C2 as before
 * (the bench showed no loss of throughput: docs/benchmarks.md). Any {@code -XX:Tier...} option given, or
 * {@code -XX:-TieredCompilation}, replaces these.
 *
 * <p>A heap that gives back what it does not use ({@link #HEAP_GIVES_BACK}): G1's defaults keep up to 70 % of the
 * committed heap free after a collection that resizes it (a full one, or the end of a concurrent cycle), so with
 * 10,000 idle sessions the RSS after such a collection was about twice their live heap. At most 20 % free (and 10 %
 * free enough after growing) brought it to about the live heap. G1 still grows the heap under load by its
 * pause-time goal, not by these ratios; the bench's flat-out and latency runs showed no cost beyond their spread
 * (docs/benchmarks.md). Between such collections an idle server keeps what the sessions' handshakes made it commit.
 * Any {@code -XX:...HeapFreeRatio} option given replaces both.
 */
final class ServerJvmOptions {

    static final String MEMORY_MANAGER = "org.glassfish.grizzly.DEFAULT_MEMORY_MANAGER";
    static final String POOLED = "org.glassfish.grizzly.memory.PooledMemoryManager";
    static final String JSON_PROVIDER = "jakarta.json.provider";
    static final String PARSSON = "org.eclipse.parsson.JsonProviderImpl";
    static final String COMPACT_HEADERS = "-XX:+UseCompactObjectHeaders";
    /** Ten times HotSpot's defaults (5,000, 600, 15,000 and 40,000). */
    static final List<String> LATER_C2 = List.of("-XX:Tier4InvocationThreshold=50000", "-XX:Tier4MinInvocationThreshold=6000",
            "-XX:Tier4CompileThreshold=150000", "-XX:Tier4BackEdgeThreshold=400000");
    /** Free heap kept after a collection that resizes it: HotSpot's defaults are 40 and 70 %. */
    static final List<String> HEAP_GIVES_BACK = List.of("-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=20");

    private ServerJvmOptions() {
    }

    static List<String> from(List<String> launcherArguments) {
        return from(launcherArguments, Runtime.version().feature());
    }

    static List<String> from(List<String> launcherArguments, int javaFeatureVersion) {
        List<String> options = new ArrayList<>(launcherArguments.stream()
                .filter(a -> a.startsWith("-X") || a.startsWith("-D"))
                .filter(a -> !a.equals("-Xdebug") && !a.startsWith("-Xrunjdwp"))
                .toList());
        if (options.stream().noneMatch(a -> a.startsWith("-D" + MEMORY_MANAGER + "="))) {
            options.add("-D" + MEMORY_MANAGER + "=" + POOLED);
        }
        if (options.stream().noneMatch(a -> a.startsWith("-D" + JSON_PROVIDER + "="))) {
            options.add("-D" + JSON_PROVIDER + "=" + PARSSON);
        }
        if (options.stream().noneMatch(a -> a.startsWith("-XX:Tier") || a.endsWith("TieredCompilation"))) {
            options.addAll(LATER_C2);
        }
        if (options.stream().noneMatch(a -> a.contains("HeapFreeRatio"))) {
            options.addAll(HEAP_GIVES_BACK);
        }
        if (javaFeatureVersion >= 25 && options.stream().noneMatch(a -> a.endsWith("UseCompactObjectHeaders"))) {
            options.add(COMPACT_HEADERS);
        }
        return options;
    }
}
