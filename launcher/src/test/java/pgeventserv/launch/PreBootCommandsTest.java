package pgeventserv.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PreBootCommandsTest {

    @Test
    void bothListenersBindTheHostOpenApiIsOffAndTheListenerStaysClosedUntilTheDeployment() {
        assertEquals("""
                set configs.config.server-config.network-config.network-listeners.network-listener.http-listener.address=127.0.0.1
                set configs.config.server-config.network-config.network-listeners.network-listener.https-listener.address=127.0.0.1
                set-openapi-configuration --enabled=false --virtualServers=none
                set configs.config.server-config.network-config.network-listeners.network-listener.http-listener.enabled=false
                """, PreBootCommands.render("127.0.0.1", false));
        assertEquals("""
                set configs.config.server-config.network-config.network-listeners.network-listener.http-listener.enabled=true
                """, PreBootCommands.openListeners(false));
    }

    @Test
    void withHttpsBothListenersWaitForTheDeployment() {
        assertEquals("""
                set configs.config.server-config.network-config.network-listeners.network-listener.http-listener.enabled=true
                set configs.config.server-config.network-config.network-listeners.network-listener.https-listener.enabled=true
                """, PreBootCommands.openListeners(true));
    }

    @Test
    void anIpv6AddressLosesItsUrlBrackets() {
        assertEquals(PreBootCommands.render("::1", false), PreBootCommands.render("[::1]", false));
    }
}
