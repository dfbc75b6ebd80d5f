package pgeventserv.launch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ServerProcessTest {

    /** What MicroProfile's plain environment source would read as a setting is kept from the server JVM. */
    @Test
    void plainVariablesNamedLikeASettingAreKeptFromTheServer() {
        assertTrue(ServerProcess.isPlainSettingName("CHANNELS"));
        assertTrue(ServerProcess.isPlainSettingName("DEBUG"));
        assertTrue(ServerProcess.isPlainSettingName("HTTPPORT"));
        assertTrue(ServerProcess.isPlainSettingName("Channels"));
        assertFalse(ServerProcess.isPlainSettingName("ES_CHANNELS"));
        assertFalse(ServerProcess.isPlainSettingName("DATABASE_URL"));
        assertFalse(ServerProcess.isPlainSettingName("PATH"));
        assertFalse(ServerProcess.isPlainSettingName("PGHOST"));
    }
}
