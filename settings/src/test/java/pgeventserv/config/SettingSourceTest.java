package pgeventserv.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** DESIGN §4's order, highest first, and the MicroProfile ordinals the WAR's sources report for it. */
class SettingSourceTest {

    @Test
    void theLauncherAppliesTheSourcesInTheOrderOfTheirOrdinals() {
        assertEquals(List.of(SettingSource.DEFAULT, SettingSource.FILE, SettingSource.ES_VARIABLE,
                SettingSource.SYSTEM_PROPERTY, SettingSource.OVERRIDE), SettingSource.lowestFirst());
    }

    @Test
    void esVariablesRankAboveThePlainEnvironmentAndBelowSystemProperties() {
        assertTrue(SettingSource.ES_VARIABLE.configOrdinal() > SettingSource.PLAIN_ENVIRONMENT);
        assertTrue(SettingSource.ES_VARIABLE.configOrdinal() < SettingSource.SYSTEM_PROPERTY.configOrdinal());
        // MicroProfile's own system-property source: ours must be the same rank, or the launcher would disagree.
        assertEquals(400, SettingSource.SYSTEM_PROPERTY.configOrdinal());
    }

    /** Payara's console and file sources are 90 to 180: a value set there must beat our defaults. */
    @Test
    void defaultsRankBelowEveryServerSource() {
        assertTrue(SettingSource.DEFAULT.configOrdinal() < 90);
        assertTrue(SettingSource.OVERRIDE.configOrdinal() > SettingSource.SYSTEM_PROPERTY.configOrdinal());
    }

    @Test
    void theWarsSourcesReportTheseOrdinals() {
        assertEquals(SettingSource.ES_VARIABLE.configOrdinal(), new EnvironmentConfigSource(Map.of()).getOrdinal());
        assertEquals(SettingSource.FILE.configOrdinal(), new TomlConfigSource(Optional.empty(), List.of()).getOrdinal());
        assertEquals(SettingSource.DEFAULT.configOrdinal(), new DefaultsConfigSource().getOrdinal());
    }
}
