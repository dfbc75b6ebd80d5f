package pgeventserv.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Precedence: DATABASE_URL and --debug, then system properties, then ES_ variables, then the file, then defaults. */
class SettingValuesTest {

    private static final Map<String, String> NONE = Map.of();

    @TempDir
    Path dir;

    /** A value of the right kind for the key, different for each source. */
    private static String sample(Setting s, String source) {
        return switch (s.kind()) {
            case PORT -> switch (source) { case "file" -> "1001"; case "env" -> "1002"; default -> "1003"; };
            case COUNT, COUNT_OR_OFF -> switch (source) { case "file" -> "11"; case "env" -> "12"; default -> "13"; };
            case FLAG -> source.equals("env") ? "false" : "true";
            case DURATION -> switch (source) { case "file" -> "1m"; case "env" -> "2m"; default -> "3m"; };
            case URL -> "https://" + source + ".example/";
            case PATH -> "/" + source;
            case LIST, TEXT, HOST -> source + "-value";
            case SCHEMA -> source + "_schema";
        };
    }

    private Path file(Map<Setting, String> values) throws IOException {
        StringBuilder toml = new StringBuilder();
        values.forEach((s, v) -> toml.append(s.key()).append(" = ")
                .append(s.kind() == Setting.Kind.PORT || s.kind() == Setting.Kind.COUNT || s.kind() == Setting.Kind.COUNT_OR_OFF || s.kind() == Setting.Kind.FLAG ? v : "\"" + v + "\"")
                .append('\n'));
        return Files.writeString(dir.resolve("pg_eventserv.toml"), toml);
    }

    @Test
    void everyKeyHasItsDefaultWithoutAnySource() {
        SettingValues settings = SettingValues.resolve(false, NONE, NONE, Optional.empty());
        for (Setting s : Setting.values()) {
            assertEquals(s.defaultValue(), settings.get(s), s.key());
        }
    }

    @Test
    void everyKeyIsTakenFromTheFile() throws IOException {
        Map<Setting, String> values = new java.util.EnumMap<>(Setting.class);
        for (Setting s : Setting.values()) {
            values.put(s, sample(s, "file"));
        }
        Path file = file(values);
        SettingValues settings = SettingValues.resolve(false, NONE, NONE, Optional.of(file));
        for (Setting s : Setting.values()) {
            assertEquals(Optional.of(s.check(sample(s, "file"))), settings.get(s), s.key());
            assertEquals(file.toString(), settings.source(s));
        }
    }

    @Test
    void everyKeyIsTakenFromItsEsVariableOverTheFile() throws IOException {
        Map<Setting, String> fileValues = new java.util.EnumMap<>(Setting.class);
        Map<String, String> env = new java.util.HashMap<>();
        for (Setting s : Setting.values()) {
            fileValues.put(s, sample(s, "file"));
            env.put(s.envName(), sample(s, "env"));
        }
        SettingValues settings = SettingValues.resolve(false, env, NONE, Optional.of(file(fileValues)));
        for (Setting s : Setting.values()) {
            assertEquals(Optional.of(s.check(sample(s, "env"))), settings.get(s), s.key());
            assertEquals(s.envName(), settings.source(s));
        }
    }

    @Test
    void everyKeyIsTakenFromASystemPropertyOverItsEsVariable() {
        Map<String, String> env = new java.util.HashMap<>();
        Map<String, String> properties = new java.util.HashMap<>();
        for (Setting s : Setting.values()) {
            env.put(s.envName(), sample(s, "env"));
            properties.put(s.key(), sample(s, "property"));
        }
        SettingValues settings = SettingValues.resolve(false, env, properties, Optional.empty());
        for (Setting s : Setting.values()) {
            assertEquals(Optional.of(s.check(sample(s, "property"))), settings.get(s), s.key());
        }
    }

    @Test
    void databaseUrlIsAboveEverything() {
        SettingValues settings = SettingValues.resolve(false,
                Map.of("DATABASE_URL", "postgresql://url@h/d", "ES_DBCONNECTION", "postgresql://env@h/d"),
                Map.of("DbConnection", "postgresql://property@h/d"), Optional.empty());
        assertEquals(Optional.of("postgresql://url@h/d"), settings.get(Setting.DB_CONNECTION));
        assertEquals("DATABASE_URL", settings.source(Setting.DB_CONNECTION));
    }

    @Test
    void debugOptionIsAboveEverything() {
        SettingValues settings = SettingValues.resolve(true, Map.of("ES_DEBUG", "false"), Map.of("Debug", "false"), Optional.empty());
        assertTrue(settings.flag(Setting.DEBUG));
        assertEquals("true", settings.forServer().get("Debug"), "the server is told too");
    }

    @Test
    void systemPropertyNamesAreCaseInsensitiveAndHandedOnToTheServerByTheirKey() {
        SettingValues settings = SettingValues.resolve(false, NONE, Map.of("channels", "a,b", "java.version", "17"), Optional.empty());
        assertEquals(Optional.of("a,b"), settings.get(Setting.CHANNELS));
        assertEquals(Map.of("Channels", "a,b"), settings.forServer());
    }

    @Test
    void maintainerSwitchesAreHandedOnToTheServerAsGiven() {
        SettingValues settings = SettingValues.resolve(false, NONE, Map.of("pgeventserv.rawFrames", "false", "java.version", "17"),
                Optional.empty());
        assertEquals(Map.of("pgeventserv.rawFrames", "false"), settings.forServer());
    }

    @Test
    void theFileIsNamedToTheServer() throws IOException {
        Path file = file(Map.of(Setting.HTTP_PORT, "7777"));
        assertEquals(file.toString(), SettingValues.resolve(false, NONE, NONE, Optional.of(file)).forServer().get(ConfigFile.PROPERTY));
    }

    @Test
    void aBadValueNamesItsSource() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> SettingValues.resolve(false, NONE, Map.of("HttpPort", "x"), Optional.empty()))
                .getMessage().startsWith("system property HttpPort: HttpPort must be a port number"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> SettingValues.resolve(false, Map.of("ES_DEBUG", "maybe"), NONE, Optional.empty()))
                .getMessage().startsWith("ES_DEBUG: Debug must be true or false"));
    }

    /** What a user of the original writes when they spell out its defaults (its main.go SetDefault calls). */
    @Test
    void theOriginalsDefaultsSpelledOutInAFileMeanOurDefaults() throws IOException {
        Path file = Path.of("settings/src/test/resources/original-defaults.toml");
        SettingValues settings = SettingValues.resolve(false, NONE, NONE, Optional.of(file));
        for (Setting s : Setting.values()) {
            if (s != Setting.DB_CONNECTION && s != Setting.ASSETS_PATH) {
                assertEquals(s.defaultValue(), settings.get(s), s.key());
            }
        }
        // Both still mean what they meant there: libpq's defaults without TLS, and a directory that may not exist
        // (the viewer warns once and serves its built-in page).
        assertEquals(Optional.of("sslmode=disable"), settings.get(Setting.DB_CONNECTION));
        assertEquals(Optional.of("./assets"), settings.get(Setting.ASSETS_PATH));
    }

    @Test
    void emptyValuesAreNoValuesInEverySource() throws IOException {
        Path file = file(Map.of(Setting.URL_BASE, "https://file.example/"));
        SettingValues settings = SettingValues.resolve(false, Map.of("ES_URLBASE", "", "ES_CHANNELS", "", "DATABASE_URL", ""),
                Map.of("UrlBase", "", "HttpPort", ""), Optional.of(file));
        assertEquals(Optional.of("https://file.example/"), settings.get(Setting.URL_BASE));
        assertEquals(file.toString(), settings.source(Setting.URL_BASE));
        assertEquals(Optional.of("*"), settings.get(Setting.CHANNELS));
        assertEquals(Optional.of("7700"), settings.get(Setting.HTTP_PORT));
        assertEquals("unset", settings.source(Setting.DB_CONNECTION));
        assertEquals(Map.of(ConfigFile.PROPERTY, file.toString()), settings.forServer(), "nothing empty is handed on");
    }

    /** The launcher reads only ES_ variables, as the original: CHANNELS is nobody's setting. */
    @Test
    void plainEnvironmentVariablesAreNoSource() {
        SettingValues settings = SettingValues.resolve(false, Map.of("CHANNELS", "x*", "DEBUG", "true", "HTTPPORT", "1"),
                NONE, Optional.empty());
        assertEquals(Optional.of("*"), settings.get(Setting.CHANNELS));
        assertEquals(Optional.of("false"), settings.get(Setting.DEBUG));
        assertEquals(Optional.of("7700"), settings.get(Setting.HTTP_PORT));
    }
}
