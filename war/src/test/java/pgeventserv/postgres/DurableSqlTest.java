package pgeventserv.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DurableSqlTest {

    @Test
    void everyStatementNamesTheConfiguredSchemaAndNoOther() {
        DurableSql sql = new DurableSql("events_here");
        for (String statement : List.of(sql.page(), sql.hinted(), sql.pageOfChannels(), sql.waiting(), sql.newestPosition(),
                sql.oldestPosition(), sql.retentionDelete(), sql.version())) {
            assertTrue(statement.contains("events_here."), statement);
            assertFalse(statement.replace("events_here.", "").matches("(?s).*\\b\\w+\\.(events|installed)\\b.*"), statement);
            assertFalse(statement.contains("%"), statement);
        }
        assertTrue(sql.state().contains("nspname = 'events_here'"), sql.state());
        assertEquals("events_here.events", sql.events());
    }

    @Test
    void theServerReadsTheVersionTheInstallScriptEndsAt() throws Exception {
        String script = Files.readString(Path.of("sql/pg_eventserv.sql"), StandardCharsets.UTF_8);
        assertTrue(script.contains("script constant integer := " + DurableSql.VERSION + ";"), "the script's own check");
        assertTrue(script.contains("INSERT INTO eventserv.installed (version) VALUES (" + DurableSql.VERSION + ");"), "its last step");
        assertFalse(script.contains("VALUES (" + (DurableSql.VERSION + 1) + ")"), "no step after it");
    }

    @Test
    void aReservedPgSchemaIsRefusedSayingWhy() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DurableSql("pg_eventserv"));
        assertTrue(e.getMessage().contains("not beginning with pg_"), e.getMessage());
    }

    @Test
    void aNameThatWouldNeedQuotingIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new DurableSql("x'; DROP TABLE t; --"));
    }
}
