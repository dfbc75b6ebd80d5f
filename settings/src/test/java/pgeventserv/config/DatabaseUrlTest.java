package pgeventserv.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

    private static final Map<String, String> NO_ENV = Map.of();

    @Test
    void urlFormGivesEveryPart() {
        ConnectionSettings db = DatabaseUrl.parse("postgresql://alice:s3cret@db.example:6543/app?sslmode=require", NO_ENV, "os");
        assertEquals(new ConnectionSettings("db.example", 6543, "app", "alice", "s3cret", Map.of("sslMode", "require")), db);
    }

    @Test
    void postgresSchemeIsAcceptedToo() {
        assertEquals("h", DatabaseUrl.parse("postgres://u@h/d", NO_ENV, "os").host());
    }

    @Test
    void percentEncodedUserPasswordAndDatabaseAreDecoded() {
        ConnectionSettings db = DatabaseUrl.parse("postgresql://us%40er:p%3Ass%40w%2Fd+x@h/my%20db", NO_ENV, "os");
        assertEquals("us@er", db.user());
        assertEquals("p:ss@w/d+x", db.password());
        assertEquals("my db", db.database());
    }

    @Test
    void ipv6HostsKeepTheirBrackets() {
        ConnectionSettings db = DatabaseUrl.parse("postgresql://u@[::1]:5433/d", NO_ENV, "os");
        assertEquals("[::1]", db.host());
        assertEquals(5433, db.port());
    }

    @Test
    void keyValueFormWithQuotingAndEscapes() {
        ConnectionSettings db = DatabaseUrl.parse(
                "host=127.0.0.1 port = 5433 dbname=test user=bob password='it\\'s a secret' sslmode=disable", NO_ENV, "os");
        assertEquals("127.0.0.1", db.host());
        assertEquals(5433, db.port());
        assertEquals("test", db.database());
        assertEquals("bob", db.user());
        assertEquals("it's a secret", db.password());
        assertEquals("disable", db.options().get("sslMode"));
    }

    @Test
    void keyValueQuotedValueKeepsSpacesAndEscapedQuotes() {
        assertEquals("a b'c", DatabaseUrl.parse("password='a b\\'c' user=x", NO_ENV, "os").password());
    }

    @Test
    void missingPartsComeFromLibpqVariablesThenDefaults() {
        Map<String, String> env = Map.of("PGHOST", "envhost", "PGPORT", "6000", "PGUSER", "envuser",
                "PGPASSWORD", "envpass", "PGDATABASE", "envdb", "PGSSLMODE", "prefer");
        assertEquals(new ConnectionSettings("envhost", 6000, "envdb", "envuser", "envpass", Map.of("sslMode", "prefer")),
                DatabaseUrl.parse(null, env, "os"));
        assertEquals(new ConnectionSettings("urlhost", 6000, "envdb", "envuser", "envpass", Map.of("sslMode", "prefer")),
                DatabaseUrl.parse("postgresql://urlhost", env, "os"));
    }

    @Test
    void withNothingSetItIsLocalhost5432AsTheOperatingSystemUser() {
        assertEquals(new ConnectionSettings("localhost", 5432, "os", "os", "", Map.of()), DatabaseUrl.parse("", NO_ENV, "os"));
    }

    @Test
    void malformedUrlIsAClearErrorWithoutThePassword() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DatabaseUrl.parse("postgresql://u:top secret@h/d", NO_ENV, "os"));
        assertTrue(e.getMessage().contains("malformed"), e.getMessage());
        assertFalse(e.getMessage().contains("top secret"), e.getMessage());
    }

    @Test
    void badPortIsNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DatabaseUrl.parse("postgresql://h:99999/d", NO_ENV, "os"))
                .getMessage().contains("99999"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DatabaseUrl.parse("host=h port=abc", NO_ENV, "os"))
                .getMessage().contains("abc"));
    }

    @Test
    void unknownOptionsAndOtherSchemesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> DatabaseUrl.parse("postgresql://h/d?target_session_attrs=any", NO_ENV, "os"));
        assertThrows(IllegalArgumentException.class, () -> DatabaseUrl.parse("mysql://h/d", NO_ENV, "os"));
        assertThrows(IllegalArgumentException.class, () -> DatabaseUrl.parse("host=h password='unterminated", NO_ENV, "os"));
    }

    @Test
    void unixSocketsAndSeveralHostsAreRefusedClearly() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DatabaseUrl.parse("host=/var/run/postgresql", NO_ENV, "os"))
                .getMessage().contains("Unix"));
        assertThrows(IllegalArgumentException.class, () -> DatabaseUrl.parse("host=a,b", NO_ENV, "os"));
    }
}
