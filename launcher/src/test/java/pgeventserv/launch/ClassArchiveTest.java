package pgeventserv.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassArchiveTest {

    private static final List<String> OPTIONS = List.of("-Xmx512m", "-Dsome.property=1");
    private static final String CLASS_PATH = "/cache/payara-micro-1/launch-micro.jar:/cache/postgresql.jar";

    @TempDir
    Path cache;

    @Test
    void theFirstStartMakesTheArchiveAndACleanStopKeepsItForTheNext() throws IOException {
        ClassArchive first = ClassArchive.of(cache, OPTIONS, CLASS_PATH);
        Path part = Path.of(option(first, "-XX:ArchiveClassesAtExit="));
        assertEquals(cache, part.getParent());
        Files.writeString(part, "archive"); // what the JVM writes as it exits
        first.keep(143, cache.resolve("server.log"));

        ClassArchive next = ClassArchive.of(cache, OPTIONS, CLASS_PATH);
        Path archive = Path.of(option(next, "-XX:SharedArchiveFile="));
        assertEquals("archive", Files.readString(archive));
        assertFalse(Files.exists(part));
    }

    @Test
    void aServerKilledWhileItWroteTheArchiveLeavesNone() throws IOException {
        ClassArchive first = ClassArchive.of(cache, OPTIONS, CLASS_PATH);
        Path part = Path.of(option(first, "-XX:ArchiveClassesAtExit="));
        Files.writeString(part, "half an archive");
        first.keep(137, cache.resolve("server.log"));

        assertFalse(Files.exists(part));
        option(ClassArchive.of(cache, OPTIONS, CLASS_PATH), "-XX:ArchiveClassesAtExit="); // the next start makes it again
    }

    @Test
    void theArchiveIsNamedByTheClassPathAndTheJvmOptionsButNotTheSystemProperties() {
        String key = ClassArchive.key(OPTIONS, CLASS_PATH);
        assertEquals(key, ClassArchive.key(List.of("-Xmx512m", "-Dsome.property=2"), CLASS_PATH));
        assertNotEquals(key, ClassArchive.key(List.of("-Xmx40g"), CLASS_PATH));
        assertNotEquals(key, ClassArchive.key(List.of("-Xmx512m", "-XX:+UseSerialGC"), CLASS_PATH));
        assertNotEquals(key, ClassArchive.key(OPTIONS, "/cache/payara-micro-2/launch-micro.jar:/cache/postgresql.jar"));
    }

    @Test
    void optionsThatSpeakOfClassSharingOrStartARecordingGetNoArchive() {
        for (String option : List.of("-Xshare:off", "-XX:SharedArchiveFile=/mine.jsa", "-XX:ArchiveClassesAtExit=/mine.jsa",
                "-XX:StartFlightRecording=filename=x.jfr")) {
            assertEquals(List.of(), ClassArchive.of(cache, List.of(option), CLASS_PATH).jvmOptions(), option);
        }
    }

    @Test
    void aCacheThatCannotBeWrittenGetsNoArchive() {
        assertEquals(List.of(), ClassArchive.of(cache.resolve("missing"), OPTIONS, CLASS_PATH).jvmOptions());
    }

    @Test
    void theArchivesMessagesAreOff() {
        assertTrue(ClassArchive.of(cache, OPTIONS, CLASS_PATH).jvmOptions().contains("-Xlog:cds*=off"));
    }

    @Test
    void aPartLeftByAKilledStartIsRemovedLaterButNotOneBeingWritten() throws IOException {
        Path abandoned = Files.writeString(cache.resolve("classes-0123.jsa.x.part"), "left");
        Files.setLastModifiedTime(abandoned, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path writing = Files.writeString(cache.resolve("classes-0123.jsa.y.part"), "being written");

        ClassArchive.of(cache, OPTIONS, CLASS_PATH);

        assertFalse(Files.exists(abandoned));
        assertTrue(Files.exists(writing));
    }

    @Test
    void onJava25TheFirstStartRecordsForAnAotCacheQuietlyAndLaterStartsUseTheCache() throws IOException {
        ClassArchive first = ClassArchive.of(cache, OPTIONS, CLASS_PATH, 25);
        assertTrue(first.jvmOptions().contains("-XX:AOTMode=record"), first.jvmOptions().toString());
        assertTrue(first.jvmOptions().contains("-XX:-DisplayVMOutput"), first.jvmOptions().toString());
        Path record = Path.of(option(first, "-XX:AOTConfiguration="));
        assertEquals(cache, record.getParent());

        Path aot = cache.resolve("classes-" + ClassArchive.key(OPTIONS, CLASS_PATH) + ".aot");
        Files.writeString(aot, "cache");
        ClassArchive next = ClassArchive.of(cache, OPTIONS, CLASS_PATH, 25);
        assertEquals(aot, Path.of(option(next, "-XX:AOTCache=")));
        assertTrue(next.jvmOptions().contains("-Xlog:aot*=off,cds*=off"));
    }

    @Test
    void anAotRecordWhoseAssemblyFailsLeavesNeitherRecordNorCache() throws IOException {
        // The tests run on Java 17, which does not know -XX:AOTMode: the assembly fails as a broken one would.
        ClassArchive first = ClassArchive.of(cache, OPTIONS, CLASS_PATH, 25);
        Path record = Path.of(option(first, "-XX:AOTConfiguration="));
        Files.writeString(record, "record");
        Path log = cache.resolve("server.log");
        first.keep(143, log);

        assertFalse(Files.exists(record));
        try (var files = Files.list(cache)) {
            assertEquals(List.of(log), files.toList());
        }
    }

    @Test
    void theArchiveIsKeptOnceThoughBothTheLauncherAndItsShutdownHookSeeTheServerStop() throws IOException {
        ClassArchive first = ClassArchive.of(cache, OPTIONS, CLASS_PATH);
        Path part = Path.of(option(first, "-XX:ArchiveClassesAtExit="));
        Files.writeString(part, "archive");
        first.keep(143, cache.resolve("server.log"));
        Files.writeString(part, "a second archive"); // would be moved again by a second call
        first.keep(143, cache.resolve("server.log"));

        assertEquals("archive", Files.readString(Path.of(option(ClassArchive.of(cache, OPTIONS, CLASS_PATH), "-XX:SharedArchiveFile="))));
    }

    @Test
    void optionsThatSpeakOfAnAotCacheGetNone() {
        for (String option : List.of("-XX:AOTCache=/mine.aot", "-XX:AOTMode=off", "-XX:AOTCacheOutput=/mine.aot")) {
            assertEquals(List.of(), ClassArchive.of(cache, List.of(option), CLASS_PATH, 25).jvmOptions(), option);
        }
    }

    /** The value of the option that starts with the prefix. */
    private static String option(ClassArchive archive, String prefix) {
        return archive.jvmOptions().stream().filter(o -> o.startsWith(prefix)).findFirst()
                .map(o -> o.substring(prefix.length()))
                .orElseThrow(() -> new AssertionError(prefix + " not in " + archive.jvmOptions()));
    }
}
