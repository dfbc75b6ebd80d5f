package pgeventserv.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerJvmOptionsTest {

    private static final String POOLED = "-D" + ServerJvmOptions.MEMORY_MANAGER + "=" + ServerJvmOptions.POOLED;
    private static final String PARSSON = "-D" + ServerJvmOptions.JSON_PROVIDER + "=" + ServerJvmOptions.PARSSON;

    @Test
    void heapAndSystemPropertiesGivenToTheLauncherReachTheServer() {
        assertEquals(defaults("-Xmx1g", "-XX:+UseStringDeduplication", "-DHttpPort=7777", POOLED, PARSSON),
                ServerJvmOptions.from(List.of("-Xmx1g", "-XX:+UseStringDeduplication", "-DHttpPort=7777"), 17));
    }

    @Test
    void debuggerAndAgentOptionsStayWithTheLauncher() {
        assertEquals(defaults("-Xss512k", POOLED, PARSSON), ServerJvmOptions.from(List.of(
                "-agentlib:jdwp=transport=dt_socket,server=y", "-Xdebug", "-Xrunjdwp:transport=dt_socket",
                "-javaagent:/tmp/agent.jar", "-Xss512k", "--add-opens=java.base/java.lang=ALL-UNNAMED"), 17));
    }

    @Test
    void grizzlysPooledMemoryManagerIsTheDefaultUnlessAnotherIsChosen() {
        assertEquals(defaults(POOLED, PARSSON), ServerJvmOptions.from(List.of(), 17));
        String heap = "-D" + ServerJvmOptions.MEMORY_MANAGER + "=org.glassfish.grizzly.memory.HeapMemoryManager";
        assertEquals(defaults(heap, PARSSON), ServerJvmOptions.from(List.of(heap), 21));
    }

    @Test
    void theJsonProviderIsNamedSoNoCallScansTheClassPathUnlessAnotherIsChosen() {
        assertEquals(defaults(POOLED, PARSSON), ServerJvmOptions.from(List.of(), 17));
        String other = "-D" + ServerJvmOptions.JSON_PROVIDER + "=org.example.Json";
        assertEquals(defaults(other, POOLED), ServerJvmOptions.from(List.of(other), 17));
    }

    @Test
    void compactObjectHeadersFromJava25UnlessTurnedOff() {
        assertEquals(defaults(POOLED, PARSSON), ServerJvmOptions.from(List.of(), 21));
        List<String> with = defaults(POOLED, PARSSON);
        with.add(ServerJvmOptions.COMPACT_HEADERS);
        assertEquals(with, ServerJvmOptions.from(List.of(), 25));
        assertEquals(defaults("-XX:-UseCompactObjectHeaders", POOLED, PARSSON),
                ServerJvmOptions.from(List.of("-XX:-UseCompactObjectHeaders"), 26));
    }

    @Test
    void c2ComesLaterUnlessTheCompilerThresholdsOrTiersAreChosen() {
        assertEquals(withHeapGivingBack("-XX:Tier4InvocationThreshold=8000", POOLED, PARSSON),
                ServerJvmOptions.from(List.of("-XX:Tier4InvocationThreshold=8000"), 17));
        assertEquals(withHeapGivingBack("-XX:TieredStopAtLevel=1", POOLED, PARSSON),
                ServerJvmOptions.from(List.of("-XX:TieredStopAtLevel=1"), 17));
        assertEquals(withHeapGivingBack("-XX:-TieredCompilation", POOLED, PARSSON),
                ServerJvmOptions.from(List.of("-XX:-TieredCompilation"), 17));
    }

    @Test
    void theHeapGivesBackWhatItDoesNotUseUnlessAFreeRatioIsChosen() {
        List<String> chosen = new ArrayList<>(List.of("-XX:MaxHeapFreeRatio=50", POOLED, PARSSON));
        chosen.addAll(ServerJvmOptions.LATER_C2);
        assertEquals(chosen, ServerJvmOptions.from(List.of("-XX:MaxHeapFreeRatio=50"), 17));
        List<String> minOnly = new ArrayList<>(List.of("-XX:MinHeapFreeRatio=5", POOLED, PARSSON));
        minOnly.addAll(ServerJvmOptions.LATER_C2);
        assertEquals(minOnly, ServerJvmOptions.from(List.of("-XX:MinHeapFreeRatio=5"), 17));
    }

    private static List<String> withHeapGivingBack(String... options) {
        List<String> all = new ArrayList<>(List.of(options));
        all.addAll(ServerJvmOptions.HEAP_GIVES_BACK);
        return all;
    }

    /** The given options followed by the compiler's thresholds and the heap's free ratios the server gets by default. */
    private static List<String> defaults(String... options) {
        List<String> all = new ArrayList<>(List.of(options));
        all.addAll(ServerJvmOptions.LATER_C2);
        all.addAll(ServerJvmOptions.HEAP_GIVES_BACK);
        return all;
    }
}
