package pgeventserv.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettingTest {

    @Test
    void keysAreCaseInsensitive() {
        assertEquals(Optional.of(Setting.HTTP_PORT), Setting.byKey("httpport"));
        assertEquals(Optional.of(Setting.CORS_ORIGINS), Setting.byKey("CorsOrigins"));
        assertEquals(Optional.empty(), Setting.byKey("HttpPrt"));
    }

    @Test
    void environmentNameIsEsAndTheUppercasedKey() {
        assertEquals("ES_DBPOOLMAXCONNLIFETIME", Setting.DB_POOL_MAX_CONN_LIFETIME.envName());
    }

    @Test
    void everyDefaultIsAValueOfItsKind() {
        for (Setting s : Setting.values()) {
            s.defaultValue().ifPresent(v -> assertEquals(v, s.check(v), s.key()));
        }
    }

    @Test
    void portsMustBePortNumbers() {
        assertEquals("7777", Setting.HTTP_PORT.check(" 7777 "));
        assertRefused(Setting.HTTP_PORT, "0", "port number");
        assertRefused(Setting.HTTPS_PORT, "65536", "port number");
        assertRefused(Setting.HTTP_PORT, "http", "port number");
    }

    @Test
    void countsMustBePositiveWholeNumbers() {
        assertEquals("1", Setting.DB_POOL_MAX_CONNS.check("1"));
        assertRefused(Setting.MAX_SESSIONS, "0", "whole number");
        assertRefused(Setting.SESSION_QUEUE_BYTES, "1.5", "whole number");
        assertRefused(Setting.SESSION_QUEUE_MESSAGES, "99999999999", "whole number");
    }

    @Test
    void flagsAreTrueOrFalse() {
        assertEquals("true", Setting.DEBUG.check("TRUE"));
        assertRefused(Setting.DEBUG, "yes", "true or false");
    }

    @Test
    void durationsAreGoDurations() {
        assertEquals("90s", Setting.PING_INTERVAL.check("90s"));
        assertRefused(Setting.DB_POOL_MAX_CONN_LIFETIME, "an hour", "duration");
    }

    @Test
    void aDurableSchemaIsAPlainLowercaseNameNeverAReservedPgName() {
        assertEquals("events_2", Setting.DURABLE_SCHEMA.check(" events_2 "));
        assertRefused(Setting.DURABLE_SCHEMA, "pg_eventserv", "not beginning with pg_ (PostgreSQL reserves");
        assertRefused(Setting.DURABLE_SCHEMA, "Events", "lowercase letters");
        assertRefused(Setting.DURABLE_SCHEMA, "a.b", "lowercase letters");
        assertRefused(Setting.DURABLE_SCHEMA, "x".repeat(64), "63 at most");
        assertEquals(Optional.empty(), Setting.DURABLE_SCHEMA.read(""));
    }

    @Test
    void urlBaseMustBeAnAbsoluteWebUrl() {
        assertEquals("https://example.com/events/", Setting.URL_BASE.check("https://example.com/events/"));
        assertRefused(Setting.URL_BASE, "/events", "absolute");
        assertRefused(Setting.URL_BASE, "ftp://example.com/", "absolute");
    }

    @Test
    void basePathGetsItsLeadingSlashAndLosesItsTrailingOne() {
        assertEquals("/", Setting.BASE_PATH.check("/"));
        assertEquals("/events", Setting.BASE_PATH.check("events/"));
        assertEquals("/a/b", Setting.BASE_PATH.check("/a/b"));
        assertRefused(Setting.BASE_PATH, "/a?b", "URL path");
    }

    @Test
    void hostIsANameOrAnAddress() {
        assertEquals("127.0.0.1", Setting.HTTP_HOST.check("127.0.0.1"));
        assertEquals("::", Setting.HTTP_HOST.check("::"));
        assertEquals("my-host.example", Setting.HTTP_HOST.check("my-host.example"));
        assertRefused(Setting.HTTP_HOST, "a b", "host name");
        assertRefused(Setting.HTTP_HOST, "x\nset y", "host name");
    }

    @Test
    void listsJoinWithEscapedCommasAndAreNeverEmpty() {
        assertEquals("a,b\\,c", Setting.CHANNELS.checkList(java.util.List.of("a", "", "b,c")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Setting.CHANNELS.checkList(java.util.List.of("")));
        assertTrue(e.getMessage().startsWith("Channels must list at least one pattern"), e.getMessage());
    }

    private static void assertRefused(Setting setting, String value, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> setting.check(value));
        assertTrue(e.getMessage().startsWith(setting.key() + " must be") && e.getMessage().contains(expected), e.getMessage());
    }
}
