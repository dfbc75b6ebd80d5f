package pgeventserv.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class DefaultsConfigSourceTest {

    @Test
    void servesEveryDefaultOfSettingAndNothingForOptionalKeys() {
        DefaultsConfigSource source = new DefaultsConfigSource();
        for (Setting s : Setting.values()) {
            assertEquals(s.defaultValue().orElse(null), source.getValue(s.key()), s.key());
        }
        assertEquals("10000", source.getValue("MaxSessions"));
        assertEquals("*", source.getValue("Channels"));
        assertFalse(source.getPropertyNames().contains("UrlBase"));
    }
}
