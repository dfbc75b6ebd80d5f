package pgeventserv.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void everyKeyHasItsVariable() {
        for (Setting s : Setting.values()) {
            String value = s.defaultValue().orElse(switch (s.kind()) {
                case URL -> "https://example.com/";
                case FLAG -> "true";
                default -> "x";
            });
            assertEquals(s.check(value), new EnvironmentConfigSource(Map.of(s.envName(), value)).getValue(s.key()), s.key());
        }
    }

    @Test
    void listsAreWhitespaceSeparatedAndBecomeConfigLists() {
        EnvironmentConfigSource source = new EnvironmentConfigSource(Map.of(
                "ES_CHANNELS", "  people   orders_*\tx,y ",
                "ES_CORSORIGINS", "https://a.example http://b.example:8080"));
        assertEquals("people,orders_*,x\\,y", source.getValue("Channels"));
        assertEquals("https://a.example,http://b.example:8080", source.getValue("CORSOrigins"));
    }

    @Test
    void aBadValueNamesTheVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new EnvironmentConfigSource(Map.of("ES_HTTPPORT", "seventy")));
        assertTrue(e.getMessage().startsWith("ES_HTTPPORT: HttpPort must be a port number"), e.getMessage());
    }

    @Test
    void anEmptyListIsRefusedRatherThanReadAsAllChannels() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new EnvironmentConfigSource(Map.of("ES_CHANNELS", "  ")));
        assertTrue(e.getMessage().startsWith("ES_CHANNELS: Channels must list at least one pattern"), e.getMessage());
    }

    @Test
    void otherVariablesAreIgnored() {
        EnvironmentConfigSource source = new EnvironmentConfigSource(Map.of("HTTPPORT", "1", "ES_NOSUCHKEY", "2"));
        assertNull(source.getValue("HttpPort"));
        assertEquals(0, source.getPropertyNames().size());
    }

    /** ES_CHANNELS must beat the server's plain-environment mapping of CHANNELS, as in the original. */
    @Test
    void ranksAboveThePlainEnvironmentBelowSystemProperties() {
        int ordinal = new EnvironmentConfigSource(Map.of()).getOrdinal();
        assertTrue(ordinal > SettingSource.PLAIN_ENVIRONMENT && ordinal < SettingSource.SYSTEM_PROPERTY.configOrdinal(),
                "ordinal " + ordinal);
        assertTrue(ordinal > TomlConfigSource.ORDINAL);
    }

    /** As the original's viper: an empty variable is no setting. */
    @Test
    void anEmptyVariableIsNoSetting() {
        EnvironmentConfigSource source = new EnvironmentConfigSource(Map.of("ES_URLBASE", "", "ES_CHANNELS", "", "ES_HTTPPORT", ""));
        assertEquals(0, source.getPropertyNames().size());
    }
}
