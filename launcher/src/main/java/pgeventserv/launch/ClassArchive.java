package pgeventserv.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Class data sharing for the server JVM: the classes Payara loads while it boots, parsed, verified and laid out
 * once, then mapped from a file by every later start (with {@link ExplodedPayara}, about a third less CPU to the
 * first answer). A dynamic archive, made by the JDK itself: the first start of a given runtime runs with
 * {@code -XX:ArchiveClassesAtExit} and the JVM writes it when that server stops (SIGTERM or a clean exit; a few
 * seconds more on that stop); later starts run with {@code -XX:SharedArchiveFile}.
 *
 * <p>An archive is valid only for the JVM, class path and JVM options it was made with, so its name is a hash of
 * them: a new build, another JDK or other options make a new archive, never a wrong one (the JVM checks again and
 * runs without it on any mismatch). Its messages are off: they are about a cache, nothing to act on.
 * No archive is used or made when the cache cannot be written, when the options already speak of class data
 * sharing ({@code -Xshare:off} turns it off), or with {@code -XX:StartFlightRecording}: on JDK 17 a recording
 * started with the JVM crashes it when a dynamic archive is mapped (JFR started later, by {@code jcmd}, is fine).
 *
 * <p>On Java 25 and later, an AOT cache (JEP 483) instead: the classes are kept loaded and linked as well, not only
 * parsed: about a sixth less CPU to the first answer than the dynamic archive on the same JDK (docs/benchmarks.md). The first
 * start records what it loads ({@code -XX:AOTMode=record}); after it stopped cleanly the launcher runs the JVM once
 * more to assemble the cache from that record ({@code -XX:AOTMode=create}, its output to the server's log), and
 * later starts run with {@code -XX:AOTCache}. The JDK's own one-step way ({@code -XX:AOTCacheOutput}) prints to the
 * console as the server stops; so would the record step, hence {@code -XX:-DisplayVMOutput} on that start only.
 */
final class ClassArchive {

    private static final List<String> SPOKEN_FOR = List.of("-Xshare", "-XX:SharedArchiveFile", "-XX:ArchiveClassesAtExit",
            "-XX:+RecordDynamicDumpInfo", "-XX:SharedClassListFile", "-XX:DumpLoadedClassList", "-XX:StartFlightRecording",
            "-XX:AOTCache", "-XX:AOTCacheOutput", "-XX:AOTConfiguration", "-XX:AOTMode");
    /** SIGTERM and SIGINT end the JVM through its shutdown, which writes the archive; SIGKILL leaves half a file. */
    private static final Set<Integer> CLEAN_EXITS = Set.of(0, 128 + 2, 128 + 15);
    private static final String QUIET = "-Xlog:cds*=off";
    private static final String QUIET_AOT = "-Xlog:aot*=off,cds*=off";
    /** Assembling the cache from the record (some 15,000 classes) takes seconds; under heavy load, minutes. */
    private static final long ASSEMBLY_TIMEOUT_SECONDS = 300;
    /** A part file no JVM has written to for this long was left by a start that was killed while it wrote. */
    private static final Duration ABANDONED = Duration.ofHours(1);

    private final List<String> options;
    private final Optional<Path> making;
    private final Path archive;
    /** With an AOT record in {@link #making}: the command that assembles the cache from it, less its output file. */
    private final List<String> assembly;
    private boolean kept;

    private ClassArchive(List<String> options, Optional<Path> making, Path archive, List<String> assembly) {
        this.options = options;
        this.making = making;
        this.archive = archive;
        this.assembly = assembly;
    }

    private ClassArchive(List<String> options, Optional<Path> making, Path archive) {
        this(options, making, archive, List.of());
    }

    /**
     * @param serverOptions the server JVM's other options ({@code -X...} count: heap size, collector, boot class path)
     * @param classPath the server JVM's class path, as it is given
     */
    static ClassArchive of(Path cache, List<String> serverOptions, String classPath) {
        return of(cache, serverOptions, classPath, Runtime.version().feature());
    }

    static ClassArchive of(Path cache, List<String> serverOptions, String classPath, int javaFeatureVersion) {
        boolean aot = javaFeatureVersion >= 25;
        Path archive = cache.resolve("classes-" + key(serverOptions, classPath) + (aot ? ".aot" : ".jsa"));
        if (serverOptions.stream().anyMatch(o -> SPOKEN_FOR.stream().anyMatch(o::startsWith))) {
            return new ClassArchive(List.of(), Optional.empty(), archive);
        }
        if (Files.isReadable(archive)) {
            return new ClassArchive(aot ? List.of("-XX:AOTCache=" + archive, QUIET_AOT) : List.of("-XX:SharedArchiveFile=" + archive, QUIET),
                    Optional.empty(), archive);
        }
        if (!Files.isDirectory(cache) || !Files.isWritable(cache)) {
            return new ClassArchive(List.of(), Optional.empty(), archive);
        }
        removeAbandoned(cache);
        Path part = cache.resolve(archive.getFileName() + "." + UUID.randomUUID() + ".part");
        if (!aot) {
            return new ClassArchive(List.of("-XX:ArchiveClassesAtExit=" + part, QUIET), Optional.of(part), archive);
        }
        List<String> assembly = new ArrayList<>(List.of(ExplodedPayara.javaCommand()));
        assembly.addAll(serverOptions);
        assembly.addAll(List.of("-cp", classPath, "-XX:AOTMode=create", "-XX:AOTConfiguration=" + part, QUIET_AOT));
        return new ClassArchive(List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + part, QUIET_AOT,
                "-XX:+UnlockDiagnosticVMOptions", "-XX:-DisplayVMOutput"), Optional.of(part), archive, assembly);
    }

    static String key(List<String> serverOptions, String classPath) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            Stream.concat(Stream.of(System.getProperty("java.home"), System.getProperty("java.vm.version"), classPath),
                            serverOptions.stream().filter(o -> o.startsWith("-X")))
                    .forEach(part -> digest.update((part + "\n").getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    List<String> jvmOptions() {
        return options;
    }

    /**
     * After the server stopped: the archive its JVM wrote, moved into place when it stopped cleanly (an AOT record
     * first assembled into the cache, the JVM's output appended to {@code log}). Once: both the launcher's main
     * thread and its shutdown hook call this when a SIGTERM stops the server.
     */
    synchronized void keep(int exitStatus, Path log) {
        if (kept || making.isEmpty() || !Files.isRegularFile(making.get())) {
            return;
        }
        kept = true;
        try {
            if (!CLEAN_EXITS.contains(exitStatus)) {
                Files.delete(making.get());
            } else if (assembly.isEmpty()) {
                Files.move(making.get(), archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                assemble(log);
            }
        } catch (IOException e) {
            // a cache: the next start makes it again
        }
    }

    private void assemble(Path log) throws IOException {
        Path cache = Path.of(making.get() + ".aot");
        List<String> command = new ArrayList<>(assembly);
        command.add("-XX:AOTCache=" + cache);
        try {
            Process assembler = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!assembler.waitFor(ASSEMBLY_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                assembler.destroyForcibly();
            } else if (assembler.exitValue() == 0 && Files.isRegularFile(cache)) {
                Files.move(cache, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Files.deleteIfExists(making.get());
            Files.deleteIfExists(cache);
        }
    }

    private static void removeAbandoned(Path cache) {
        Instant before = Instant.now().minus(ABANDONED);
        try (Stream<Path> files = Files.list(cache)) {
            files.filter(f -> f.getFileName().toString().startsWith("classes-") && f.getFileName().toString().contains(".part"))
                    .filter(f -> {
                        try {
                            return Files.getLastModifiedTime(f).toInstant().isBefore(before);
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a cache: what is left is only space
        }
    }
}
