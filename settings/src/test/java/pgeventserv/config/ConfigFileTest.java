package pgeventserv.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {

    @TempDir
    Path dir;

    private Path write(String toml) throws IOException {
        return Files.writeString(dir.resolve("pg_eventserv.toml"), toml);
    }

    @Test
    void everyKeyIsReadInMicroProfileForm() throws IOException {
        Map<String, String> values = ConfigFile.read(write("""
                DbConnection = "postgresql://u@db/app"
                HttpHost = "127.0.0.1"
                HttpPort = 7777
                HttpsPort = 7778
                TlsServerCertificateFile = "/tls/cert.pem"
                TlsServerPrivateKeyFile = "/tls/key.pem"
                CORSOrigins = ["https://a.example", "https://*.b.example"]
                Debug = true
                UrlBase = "https://public.example/events/"
                BasePath = "events"
                AssetsPath = "/srv/assets"
                DbPoolMaxConns = 8
                DbPoolMaxConnLifeTime = "30m"
                Channels = ["people", "orders_*", "a,b"]
                SessionQueueMessages = 100
                SessionQueueBytes = 65536
                PingInterval = "10s"
                MaxSessions = 50
                MaxChannels = 70
                HistoryMessages = 0
                HistoryBytes = 1024
                HistoryAge = "1m"
                MaxChannelsPerSession = 5
                MaxFiltersPerSubscriber = 3
                DurableMaxPayloadBytes = 2097152
                DurableRetention = "1h"
                DurableSchema = "events_here"
                JwtSecret = "a-secret-of-at-least-thirty-two-bytes!"
                JwtPublicKeyFile = "/keys/public.pem"
                JwtIssuer = "https://issuer.example"
                JwtAudience = "events"
                JwtChannelsClaim = "rooms"
                JwtQueryParameter = "token"
                AuthRequired = false
                AuthorizeFunction = "app.may_listen"
                DataSource = "jdbc/other"
                LogFormat = "json"
                LogFile = "/var/log/pg_eventserv.log"
                """));
        assertEquals(Setting.values().length, values.size(), "every key");
        assertEquals("json", values.get("LogFormat"));
        assertEquals("/var/log/pg_eventserv.log", values.get("LogFile"));
        assertEquals("postgresql://u@db/app", values.get("DbConnection"));
        assertEquals("127.0.0.1", values.get("HttpHost"));
        assertEquals("7777", values.get("HttpPort"));
        assertEquals("7778", values.get("HttpsPort"));
        assertEquals("/tls/cert.pem", values.get("TlsServerCertificateFile"));
        assertEquals("/tls/key.pem", values.get("TlsServerPrivateKeyFile"));
        assertEquals("https://a.example,https://*.b.example", values.get("CORSOrigins"));
        assertEquals("true", values.get("Debug"));
        assertEquals("https://public.example/events/", values.get("UrlBase"));
        assertEquals("/events", values.get("BasePath"));
        assertEquals("/srv/assets", values.get("AssetsPath"));
        assertEquals("8", values.get("DbPoolMaxConns"));
        assertEquals("30m", values.get("DbPoolMaxConnLifeTime"));
        assertEquals("people,orders_*,a\\,b", values.get("Channels"));
        assertEquals("100", values.get("SessionQueueMessages"));
        assertEquals("65536", values.get("SessionQueueBytes"));
        assertEquals("10s", values.get("PingInterval"));
        assertEquals("50", values.get("MaxSessions"));
        assertEquals("70", values.get("MaxChannels"));
        assertEquals("jdbc/other", values.get("DataSource"));
    }

    @Test
    void keysAreCaseInsensitiveAsInTheOriginal() throws IOException {
        Map<String, String> values = ConfigFile.read(write("httpport = 7777\nCHANNELS = [\"x\"]\ncorsorigins = \"https://a.example https://b.example\"\n"));
        assertEquals(Map.of("HttpPort", "7777", "Channels", "x", "CORSOrigins", "https://a.example,https://b.example"), values);
    }

    @Test
    void numbersAndFlagsMayBeQuoted() throws IOException {
        assertEquals(Map.of("HttpPort", "7777", "Debug", "true"), ConfigFile.read(write("HttpPort = \"7777\"\nDebug = \"true\"\n")));
    }

    @Test
    void unknownKeyNamesTheKeyTheFileAndTheLine() throws IOException {
        Path file = write("HttpPort = 7777\n\nHttpPrt = 7778\n");
        String message = refusal(file);
        assertEquals(file + ": line 3: unknown key 'HttpPrt' (did you mean HttpPort?)", message);
        assertTrue(refusal(write("Colour = \"blue\"\n")).endsWith("unknown key 'Colour'; pg_eventserv --help lists the keys"));
    }

    @Test
    void sectionsAreUnknownKeys() throws IOException {
        assertTrue(refusal(write("[Server]\nHttpPort = 7777\n")).contains("unknown key 'Server'"));
    }

    @Test
    void wrongTypeNamesTheKeyAndTheFile() throws IOException {
        Path file = write("Debug = false\nHttpPort = 77.5\n");
        String message = refusal(file);
        assertTrue(message.startsWith(file + ": line 2: HttpPort must be a whole number, not 77.5"), message);
        assertTrue(refusal(write("Channels = [1, 2]\n")).contains("Channels must be a list of strings"));
        assertTrue(refusal(write("Debug = 1\n")).contains("Debug must be true or false"));
        assertTrue(refusal(write("Channels = []\n")).contains("Channels must list at least one pattern"));
        assertTrue(refusal(write("PingInterval = 30\n")).contains("PingInterval must be a duration"));
        assertTrue(refusal(write("UrlBase = \"/x\"\n")).contains("UrlBase must be an absolute"));
        assertTrue(refusal(write("HttpPort = 0\n")).contains("HttpPort must be a port number"));
    }

    @Test
    void aKeyGivenTwiceInDifferentCaseIsRefused() throws IOException {
        assertTrue(refusal(write("HttpPort = 1\nhttpport = 2\n")).contains("sets HttpPort a second time"));
    }

    @Test
    void syntaxErrorsNameTheFileAndTheLine() throws IOException {
        Path file = write("HttpPort = 7777\nDebug = = true\nChannels = [\"a\"]\n");
        assertTrue(refusal(file).startsWith(file + ": line 2"), refusal(file));
    }

    @Test
    void anUnreadableFileIsAnError() throws IOException {
        Path notAFile = Files.createDirectory(dir.resolve("pg_eventserv.toml"));
        assertTrue(refusal(notAFile).startsWith(notAFile + ": cannot be read"), refusal(notAFile));
    }

    @Test
    void aNamedFileMustExist() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigFile.locate(Optional.of(dir.resolve("missing.toml").toString()), List.of()));
        assertTrue(e.getMessage().contains("missing.toml: no such configuration file"), e.getMessage());
    }

    @Test
    void withoutANameTheFirstFileFoundInTheSearchDirectoriesIsUsed() throws IOException {
        Path a = Files.createDirectory(dir.resolve("a"));
        Path b = Files.createDirectory(dir.resolve("b"));
        Path c = Files.createDirectory(dir.resolve("c"));
        Files.writeString(b.resolve(ConfigFile.NAME), "");
        Files.writeString(c.resolve(ConfigFile.NAME), "");
        assertEquals(Optional.of(b.resolve(ConfigFile.NAME)), ConfigFile.locate(Optional.empty(), List.of(a, b, c)));
        assertEquals(Optional.empty(), ConfigFile.locate(Optional.empty(), List.of(a)));
        Path named = Files.writeString(dir.resolve("named.toml"), "");
        assertEquals(Optional.of(named), ConfigFile.locate(Optional.of(named.toString()), List.of(a, b, c)));
    }

    @Test
    void searchesConfigThenSlashConfigThenEtcAsTheOriginal() {
        assertEquals(List.of(Path.of("config"), Path.of("/config"), Path.of("/etc")), ConfigFile.SEARCH);
    }

    /**
     * The shipped example, uncommented, sets every key, each to its default where there is one, and nothing but
     * the keys of {@link Setting}: it cannot drift from the one definition of the settings.
     */
    @Test
    void theExampleFileListsEveryKeyWithItsDefault() throws IOException {
        String example = Files.readString(Path.of("config/pg_eventserv.toml.example"));
        String uncommented = uncomment(example);
        assertEquals(Map.of(), ConfigFile.read(write(example)), "as shipped, it changes nothing");
        // Reading it refuses any key that is not a Setting, and a key given twice.
        Map<String, String> values = ConfigFile.read(write(uncommented));
        assertEquals(Setting.values().length, uncommented.lines().filter(l -> l.matches("[A-Za-z]+ = .*")).count(),
                "one line per setting");
        for (Setting s : Setting.values()) {
            assertTrue(values.containsKey(s.key()), "the example lists " + s.key());
            s.defaultValue().ifPresent(d -> assertEquals(d, values.get(s.key()), s.key()));
        }
    }

    /** The original's example file, as a user copies it, with every line uncommented. */
    static String upstreamExampleUncommented() throws IOException {
        try (var in = ConfigFileTest.class.getResourceAsStream("/upstream/pg_eventserv.toml.example")) {
            return uncomment(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private static String uncomment(String example) {
        return Arrays.stream(example.split("\n"))
                .map(line -> line.matches("# [A-Za-z]+ = .*") ? line.substring(2) : line)
                .collect(Collectors.joining("\n"));
    }

    @Test
    void theOriginalsExampleFileWithEveryLineUncommentedIsValid() throws IOException {
        Map<String, String> values = ConfigFile.read(write(upstreamExampleUncommented()));
        assertEquals(java.util.Set.of("DbConnection", "DbPoolMaxConnLifeTime", "DbPoolMaxConns", "AssetsPath", "HttpHost",
                "HttpPort", "HttpsPort", "TlsServerCertificateFile", "TlsServerPrivateKeyFile", "UrlBase", "BasePath",
                "Channels", "Debug"), values.keySet());
        assertEquals("postgresql://username:password@host/dbname", values.get("DbConnection"));
        assertEquals("1h", values.get("DbPoolMaxConnLifeTime"));
        assertEquals("4", values.get("DbPoolMaxConns"));
        assertEquals("/usr/share/pg_eventserv/assets", values.get("AssetsPath"));
        assertEquals("0.0.0.0", values.get("HttpHost"));
        assertEquals("7700", values.get("HttpPort"));
        assertEquals("7701", values.get("HttpsPort"));
        assertEquals("server.crt", values.get("TlsServerCertificateFile"));
        assertEquals("server.key", values.get("TlsServerPrivateKeyFile"));
        assertEquals("http://localhost/", values.get("UrlBase"));
        assertEquals("/", values.get("BasePath"));
        assertEquals("*", values.get("Channels"));
        assertEquals("false", values.get("Debug"));
    }

    /** The original's defaults for its optional strings are empty strings; users spell them out. */
    @Test
    void anEmptyStringIsNoValueForEveryTextKey() throws IOException {
        Map<String, String> values = ConfigFile.read(write("""
                UrlBase = ""
                TlsServerCertificateFile = ""
                TlsServerPrivateKeyFile = ""
                AssetsPath = ""
                DbConnection = ""
                HttpHost = ""
                BasePath = ""
                DataSource = " "
                """));
        assertEquals(Map.of(), values);
    }

    @Test
    void anEmptyStringIsStillRefusedWhereANumberFlagOrDurationBelongs() throws IOException {
        assertTrue(refusal(write("HttpPort = \"\"\n")).contains("HttpPort must be a port number"));
        assertTrue(refusal(write("Debug = \"\"\n")).contains("Debug must be true or false"));
        assertTrue(refusal(write("PingInterval = \"\"\n")).contains("PingInterval must be a duration"));
    }

    private static String refusal(Path file) {
        return assertThrows(IllegalArgumentException.class, () -> ConfigFile.read(file)).getMessage();
    }
}
