package pgeventserv.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServerJvmOptionsTest {

    private static final String POOLED = "-D" + ServerJvmOptions.MEMORY_MANAGER + "=" + ServerJvmOptions.POOLED;

    @Test
    void heapAndSystemPropertiesGivenToTheLauncherReachTheServer() {
        assertEquals(List.of("-Xmx1g", "-XX:+UseStringDeduplication", "-DHttpPort=7777", POOLED),
                ServerJvmOptions.from(List.of("-Xmx1g", "-XX:+UseStringDeduplication", "-DHttpPort=7777"), 17));
    }

    @Test
    void debuggerAndAgentOptionsStayWithTheLauncher() {
        assertEquals(List.of("-Xss512k", POOLED), ServerJvmOptions.from(List.of(
                "-agentlib:jdwp=transport=dt_socket,server=y", "-Xdebug", "-Xrunjdwp:transport=dt_socket",
                "-javaagent:/tmp/agent.jar", "-Xss512k", "--add-opens=java.base/java.lang=ALL-UNNAMED"), 17));
    }

    @Test
    void grizzlysPooledMemoryManagerIsTheDefaultUnlessAnotherIsChosen() {
        assertEquals(List.of(POOLED), ServerJvmOptions.from(List.of(), 17));
        String heap = "-D" + ServerJvmOptions.MEMORY_MANAGER + "=org.glassfish.grizzly.memory.HeapMemoryManager";
        assertEquals(List.of(heap), ServerJvmOptions.from(List.of(heap), 21));
    }

    @Test
    void compactObjectHeadersFromJava25UnlessTurnedOff() {
        assertEquals(List.of(POOLED), ServerJvmOptions.from(List.of(), 21));
        assertEquals(List.of(POOLED, ServerJvmOptions.COMPACT_HEADERS), ServerJvmOptions.from(List.of(), 25));
        assertEquals(List.of("-XX:-UseCompactObjectHeaders", POOLED),
                ServerJvmOptions.from(List.of("-XX:-UseCompactObjectHeaders"), 26));
    }
}
