package pgeventserv.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerLoggingTest {

    @TempDir
    Path cache;
    @TempDir
    Path work;

    /** A jar, not a directory: the JVM makes no class archive with a directory on its boot class path. */
    @Test
    void theFormatterAndFilterReachTheServersBootClassPathAsAJarInTheCache() throws Exception {
        ServerLogging logging = new ServerLogging(work.resolve("logs/server.log"), ServerLogging.PLAIN, false);

        List<String> options = logging.jvmOptions(cache, work);

        Path jar = Path.of(options.get(0).substring("-Xbootclasspath/a:".length()));
        assertEquals(cache, jar.getParent());
        assertTrue(Files.isRegularFile(jar));
        try (JarFile classes = new JarFile(jar.toFile())) {
            assertNotNull(classes.getEntry("pgeventserv/launch/LogLineFormatter.class"));
            assertNotNull(classes.getEntry("pgeventserv/launch/ConsoleFilter.class"));
        }
        assertEquals(options, logging.jvmOptions(cache, work), "the same jar on the next start");
    }

    @Test
    void aCacheThatCannotBeWrittenLeavesTheJarInThisRunsDirectory() throws Exception {
        Path notADirectory = Files.writeString(cache.resolve("file"), "");
        ServerLogging logging = new ServerLogging(work.resolve("logs/server.log"), ServerLogging.PLAIN, false);

        Path jar = Path.of(logging.jvmOptions(notADirectory, work).get(0).substring("-Xbootclasspath/a:".length()));

        assertEquals(work, jar.getParent());
        assertTrue(Files.isRegularFile(jar));
    }
}
