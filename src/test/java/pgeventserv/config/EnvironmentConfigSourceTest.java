package pgeventserv.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentConfigSourceTest {

    @Test
    void esPrefixedUppercaseVariablesSetTheirKeys() {
        EnvironmentConfigSource source = new EnvironmentConfigSource(Map.of("ES_HTTPPORT", "7777", "ES_DEBUG", "true"));
        assertEquals("7777", source.getValue("HttpPort"));
        assertEquals("true", source.getValue("Debug"));
    }

    @Test
    void channelsAreWhitespaceSeparatedAndBecomeAConfigList() {
        EnvironmentConfigSource source = new EnvironmentConfigSource(Map.of("ES_CHANNELS", "  people   orders_*\tx,y "));
        assertEquals("people,orders_*,x\\,y", source.getValue("Channels"));
    }

    @Test
    void otherVariablesAreIgnored() {
        EnvironmentConfigSource source = new EnvironmentConfigSource(Map.of("HTTPPORT", "1", "ES_NOSUCHKEY", "2"));
        assertNull(source.getValue("HttpPort"));
        assertEquals(0, source.getPropertyNames().size());
    }

    @Test
    void ranksBelowSystemPropertiesAndTheStandardEnvironment() {
        assertEquals(250, new EnvironmentConfigSource(Map.of()).getOrdinal());
    }
}
