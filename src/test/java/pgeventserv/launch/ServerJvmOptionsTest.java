package pgeventserv.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServerJvmOptionsTest {

    @Test
    void heapAndSystemPropertiesGivenToTheLauncherReachTheServer() {
        assertEquals(List.of("-Xmx1g", "-XX:+UseStringDeduplication", "-DHttpPort=7777"),
                ServerJvmOptions.from(List.of("-Xmx1g", "-XX:+UseStringDeduplication", "-DHttpPort=7777")));
    }

    @Test
    void debuggerAndAgentOptionsStayWithTheLauncher() {
        assertEquals(List.of("-Xss512k"), ServerJvmOptions.from(List.of("-agentlib:jdwp=transport=dt_socket,server=y",
                "-Xdebug", "-Xrunjdwp:transport=dt_socket", "-javaagent:/tmp/agent.jar", "-Xss512k",
                "--add-opens=java.base/java.lang=ALL-UNNAMED")));
    }
}
