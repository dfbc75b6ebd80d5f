package pgeventserv.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import pgeventserv.config.Setting;

class CommandLineTest {

    @Test
    void shortAndLongOptions() {
        assertEquals(new CommandLine(Optional.of("a.toml"), true, false, false), CommandLine.parse(new String[] {"-c", "a.toml", "-d"}));
        assertEquals(new CommandLine(Optional.of("b.toml"), true, true, true),
                CommandLine.parse(new String[] {"--config", "b.toml", "--debug", "--help", "--version"}));
        assertEquals(Optional.of("c.toml"), CommandLine.parse(new String[] {"--config=c.toml"}).config());
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

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
