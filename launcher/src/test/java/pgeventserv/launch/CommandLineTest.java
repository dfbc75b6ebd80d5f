package pgeventserv.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pgeventserv.config.Setting;

class CommandLineTest {

    @Test
    void shortAndLongOptions() {
        assertEquals(new CommandLine(Optional.of("a.toml"), true, false, false), CommandLine.parse(new String[] {"-c", "a.toml", "-d"}));
        assertEquals(new CommandLine(Optional.of("b.toml"), true, true, true),
                CommandLine.parse(new String[] {"--config", "b.toml", "--debug", "--help", "--version"}));
        assertEquals(Optional.of("c.toml"), CommandLine.parse(new String[] {"--config=c.toml"}).config());
        assertEquals(new CommandLine(Optional.empty(), false, false, false, true, true),
                CommandLine.parse(new String[] {"--print-sql", "--install-sql"}));
    }

    @Test
    void unknownOptionIsRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(new String[] {"--bogus"}))
                .getMessage().contains("--bogus"));
        assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(new String[] {"--config"}));
    }

    @Test
    void usageListsEverySettingWithItsEnvironmentName() {
        String usage = CommandLine.usage();
        for (Setting s : Setting.values()) {
            assertTrue(usage.contains(s.key()) && usage.contains(s.envName()), s.key());
        }
    }

    @Test
    void usageNamesTheSqlOptions() {
        assertTrue(CommandLine.usage().contains("--print-sql"));
        assertTrue(CommandLine.usage().contains("--install-sql"));
    }

    @Test
    void helpExitsZeroBadOptionExitsTwoWithUsage() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, Main.run(new String[] {"--help"}, Map.of(), Map.of(), print(out), print(err)));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("Usage: pg_eventserv"));
        assertEquals(2, Main.run(new String[] {"-x"}, Map.of(), Map.of(), print(out), print(err)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown option '-x'"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("Usage:"));
    }

    @Test
    void badDatabaseUrlExitsOneNamingTheVariableNotThePassword() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[0], Map.of("DATABASE_URL", "postgresql://u:hunter 2@h/d"), Map.of(), print(new ByteArrayOutputStream()), print(err));
        assertEquals(1, code);
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.startsWith("pg_eventserv: DATABASE_URL: "), message);
        assertTrue(!message.contains("hunter"), message);
    }

    @Test
    void versionPrintsTheVersionAndExitsZero() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, Main.run(new String[] {"-v"}, Map.of(), Map.of(), print(out), print(new ByteArrayOutputStream())));
        assertTrue(out.toString(StandardCharsets.UTF_8).matches("pg_eventserv \\S+\\R"), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badKeyInTheFileExitsOneNamingTheKeyAndTheFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("my.toml"), "HttpPort = 7777\nHttpPrt = 7778\n");
        assertEquals(file + ": line 2: unknown key 'HttpPrt' (did you mean HttpPort?)", firstErrorLine(1, "--config", file.toString()));
    }

    @Test
    void badValueInTheEnvironmentExitsOneNamingTheVariable() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(1, Main.run(new String[0], Map.of("ES_HTTPPORT", "http"), Map.of(), print(new ByteArrayOutputStream()), print(err)));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("pg_eventserv: ES_HTTPPORT: HttpPort must be a port number"));
    }

    @Test
    void aJwtSecretShorterThan32BytesExitsOneSayingWhy() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(1, Main.run(new String[0], Map.of("ES_JWTSECRET", "too short"), Map.of(),
                print(new ByteArrayOutputStream()), print(err)));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith(
                "pg_eventserv: ES_JWTSECRET: JwtSecret is 9 bytes; HS256 needs at least 32"), err.toString());
    }

    @Test
    void aMissingConfigFileExitsOne(@TempDir Path dir) {
        assertTrue(firstErrorLine(1, "-c", dir.resolve("nope.toml").toString()).endsWith("nope.toml: no such configuration file"));
    }

    @Test
    void oneTlsFileWithoutTheOtherExitsOne(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("tls.toml"), "TlsServerCertificateFile = \"/x/cert.pem\"\n");
        assertEquals("TlsServerCertificateFile is set (" + file + ") but TlsServerPrivateKeyFile is not: HTTPS needs both",
                firstErrorLine(1, "-c", file.toString()));
    }

    @Test
    void httpsOnTheHttpPortExitsOne(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("tls.toml"), "TlsServerCertificateFile = \"/c.pem\"\n"
                + "TlsServerPrivateKeyFile = \"/k.pem\"\nHttpPort = 8000\nHttpsPort = 8000\n");
        assertEquals("HttpsPort and HttpPort are both 8000: HTTPS needs a port of its own", firstErrorLine(1, "-c", file.toString()));
    }

    @Test
    void aTlsFileThatIsNoPemExitsOneNamingIt(@TempDir Path dir) throws IOException {
        Path junk = Files.writeString(dir.resolve("cert.pem"), "junk");
        Path file = Files.writeString(dir.resolve("tls.toml"),
                "TlsServerCertificateFile = \"" + junk + "\"\nTlsServerPrivateKeyFile = \"" + junk + "\"\n");
        assertTrue(firstErrorLine(1, "-c", file.toString()).startsWith(junk.toString()));
    }

    /**
     * A file that spells out the original's defaults (its main.go) passes every check and goes on to start the
     * server, which from target/classes stops at the missing runtime: empty TLS files and UrlBase are unset,
     * "sslmode=disable" is a database string, and the original's "./assets", missing here, is left to the viewer
     * (one warning, the built-in page) instead of refused.
     */
    @Test
    void theOriginalsDefaultsSpelledOutGetAsFarAsStartingTheServer() {
        Path file = Path.of("settings/src/test/resources/original-defaults.toml");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(1, Main.run(new String[] {"-c", file.toString()}, Map.of(), Map.of(), print(new ByteArrayOutputStream()), print(err)));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("pg_eventserv: pg_eventserv runs from pg_eventserv.jar"),
                err.toString(StandardCharsets.UTF_8));
    }

    /** Runs with the database named, so only the case under test can fail; returns the message after "pg_eventserv: ". */
    private static String firstErrorLine(int expectedExit, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, Map.of("DATABASE_URL", "postgresql://u@h/d"), Map.of(), print(new ByteArrayOutputStream()), print(err));
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(expectedExit, code, message);
        assertTrue(message.startsWith("pg_eventserv: "), message);
        return message.substring("pg_eventserv: ".length()).lines().findFirst().orElse("");
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
