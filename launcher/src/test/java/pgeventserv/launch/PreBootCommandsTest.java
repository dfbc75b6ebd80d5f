package pgeventserv.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PreBootCommandsTest {

    @Test
    void bothListenersBindTheHostAndOpenApiIsOff() {
        assertEquals("""
                set configs.config.server-config.network-config.network-listeners.network-listener.http-listener.address=127.0.0.1
                set configs.config.server-config.network-config.network-listeners.network-listener.https-listener.address=127.0.0.1
                set-openapi-configuration --enabled=false --virtualServers=none
                """, PreBootCommands.render("127.0.0.1"));
    }

    @Test
    void anIpv6AddressLosesItsUrlBrackets() {
        assertEquals(PreBootCommands.render("::1"), PreBootCommands.render("[::1]"));
    }
}
