package pgeventserv.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TomlConfigSourceTest {

    @TempDir
    Path dir;

    @Test
    void theNamedFileIsTheSource() throws IOException {
        Path file = Files.writeString(dir.resolve("my.toml"), "Channels = [\"people\"]\nhttpport = 7777\n");
        TomlConfigSource source = new TomlConfigSource(Optional.of(file.toString()), List.of());
        assertEquals("people", source.getValue("Channels"));
        assertEquals("7777", source.getValue("HttpPort"));
        assertNull(source.getValue("Debug"));
        assertTrue(source.getName().contains(file.toString()), source.getName());
    }

    @Test
    void withoutAFileItIsEmpty() {
        TomlConfigSource source = new TomlConfigSource(Optional.empty(), List.of(dir));
        assertTrue(source.getPropertyNames().isEmpty());
    }

    @Test
    void aBadFileStopsStartup() throws IOException {
        Path file = Files.writeString(dir.resolve("pg_eventserv.toml"), "Chanels = [\"x\"]\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TomlConfigSource(Optional.empty(), List.of(dir)));
        assertTrue(e.getMessage().contains(file + ": line 1: unknown key 'Chanels'"), e.getMessage());
    }

    @Test
    void ranksBelowTheEnvironmentOverrides() {
        assertEquals(200, new TomlConfigSource(Optional.empty(), List.of()).getOrdinal());
    }
}
