package pgeventserv.launch;

import pgeventserv.config.ConnectionSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PostBootCommandsTest {

    @Test
    void poolAndResourceAreDefinedFromTheSettings() {
        String commands = PostBootCommands.render(
                new ConnectionSettings("127.0.0.1", 5432, "test", "postgres", "", Map.of("sslMode", "disable")), 4, 3600, true);
        assertEquals("""
                create-jdbc-connection-pool --datasourceclassname org.postgresql.ds.PGSimpleDataSource \
                --restype javax.sql.DataSource --steadypoolsize 1 --maxpoolsize 4 --idletimeout 3600 --property \
                serverName="127.0.0.1":portNumber="5432":databaseName="test":user="postgres":password="":sslMode="disable":socketTimeout="10" eventserv-pool
                create-jdbc-resource --connectionpoolid eventserv-pool jdbc/eventserv
                """, commands);
    }

    @Test
    void poolWarningsForEachFailedConnectAreQuietUnlessDebugging() {
        ConnectionSettings db = new ConnectionSettings("127.0.0.1", 5432, "test", "postgres", "", Map.of());
        assertTrue(PostBootCommands.render(db, 4, 3600, false).endsWith("\n" + PostBootCommands.QUIET_POOL + "\n"));
        assertFalse(PostBootCommands.render(db, 4, 3600, true).contains("set-log-levels"));
    }

    @Test
    void separatorsInValuesAreEscaped() {
        assertEquals("\"a\\:b\\=c\\\\d\\\"e f\"", PostBootCommands.escape("a:b=c\\d\"e f"));
    }

    @Test
    void ipv6HostIsEscaped() {
        String commands = PostBootCommands.render(new ConnectionSettings("[::1]", 5432, "d", "u", "p", Map.of()), 4, 3600, true);
        assertTrue(commands.contains("serverName=\"[\\:\\:1]\""), commands);
    }
}
