package pgeventserv.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Payara Micro laid out once per version as its own {@code --outputlauncher} lays it out: {@code runtime/} (the
 * jars its uber jar carries), {@code config/} (the pristine domain), {@code lib/} (the JDBC resource adapters) and
 * {@code launch-micro.jar}, whose manifest names every runtime jar on its {@code Class-Path}.
 *
 * <p>Why: {@code java -jar payara-micro.jar} copies its 97 MB of jars into the root directory at every start and
 * loads them through a class loader of its own, which class data sharing cannot cover ({@link ClassArchive}).
 * Started from this layout the jars stay where they are and are on the system class path. Payara Micro's own
 * launcher jar would make this directory the instance's root, shared by every server started from it; the
 * server is started with the launcher's start class instead and a root of its own ({@link #prepareRoot}).
 */
final class ExplodedPayara {

    static final String LAUNCHER = "launch-micro.jar";
    /** What the launcher jar sets before it starts Payara: its own location (the module list) and its directory. */
    private static final String BOOT_JAR = "fish.payara.micro.BootJar";
    private static final String UNPACK_DIR = "fish.payara.micro.UnpackDir";
    /** Laying Payara out takes seconds: a part directory this old was left by a start that was killed meanwhile. */
    private static final Duration ABANDONED = Duration.ofHours(1);

    private final Path directory;
    private final String startClass;
    private final List<String> moduleOptions;

    private ExplodedPayara(Path directory) throws IOException {
        this.directory = directory;
        try (JarFile launcher = new JarFile(directory.resolve(LAUNCHER).toFile())) {
            Attributes manifest = launcher.getManifest().getMainAttributes();
            this.startClass = manifest.getValue("Start-Class");
            if (startClass == null) {
                throw new IOException(directory.resolve(LAUNCHER) + " names no Start-Class");
            }
            this.moduleOptions = moduleOptions(manifest.getValue("Add-Opens"), manifest.getValue("Add-Exports"));
        }
    }

    /**
     * The layout of this Payara Micro jar: the cached one, else made from it (a short run of Payara Micro itself)
     * in the cache, else, where the cache cannot be written, in this run's directory.
     *
     * @param key names this version: the nested jar's checksum and size
     * @param payaraJar gives the jar, unpacked from pg_eventserv.jar, only when the layout must be made
     * @param log where Payara Micro's output goes while it makes the layout
     */
    static ExplodedPayara of(String key, Path cache, Path work, PayaraJar payaraJar, Path log)
            throws IOException, InterruptedException {
        Path cached = cache.resolve("payara-micro-" + key);
        if (Files.isRegularFile(cached.resolve(LAUNCHER))) {
            return new ExplodedPayara(cached);
        }
        try {
            Files.createDirectories(cache);
            removeAbandoned(cache);
            return new ExplodedPayara(make(cached, payaraJar, log));
        } catch (IOException e) {
            if (!Files.isWritable(cache)) {
                return new ExplodedPayara(make(work.resolve("payara-micro"), payaraJar, log));
            }
            throw e;
        }
    }

    /** The nested Payara Micro jar as a file, unpacked into the given directory. */
    @FunctionalInterface
    interface PayaraJar {
        Path unpackInto(Path directory) throws IOException;
    }

    /** Made beside the target and moved into place, so a concurrent start never sees half a layout. */
    private static Path make(Path target, PayaraJar payaraJar, Path log) throws IOException, InterruptedException {
        Path parent = target.getParent();
        Path partial = Files.createTempDirectory(parent, target.getFileName() + ".part");
        try {
            Path jar = payaraJar.unpackInto(partial);
            Process layout = new ProcessBuilder(javaCommand(), "-jar", jar.toString(),
                    "--outputlauncher", "--rootdir", partial.resolve("root").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            int exit = layout.waitFor();
            Path root = partial.resolve("root");
            if (exit != 0 || !Files.isRegularFile(root.resolve(LAUNCHER))) {
                throw new IOException("Payara Micro could not lay out its runtime (exit status " + exit + "); see " + log);
            }
            try {
                Files.move(root, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // Another start made it first (the same files): rename(2) reports ENOTEMPTY as a plain
                // FileSystemException, not always as one of its subclasses.
                if (!Files.isRegularFile(target.resolve(LAUNCHER))) {
                    throw e;
                }
            }
            return target;
        } finally {
            delete(partial);
        }
    }

    /** The manifest's {@code --add-opens} and {@code --add-exports}, which only {@code java -jar} would read from it. */
    static List<String> moduleOptions(String opens, String exports) {
        List<String> options = new ArrayList<>();
        for (String[] kind : List.of(new String[] {"--add-opens=", opens}, new String[] {"--add-exports=", exports})) {
            if (kind[1] != null) {
                Arrays.stream(kind[1].trim().split("\\s+")).filter(s -> !s.isEmpty())
                        .forEach(target -> options.add(kind[0] + target + "=ALL-UNNAMED"));
            }
        }
        return options;
    }

    /** The server JVM's class path: the launcher jar (its manifest adds the runtime jars) and the given jars. */
    String classPath(Path... more) {
        StringBuilder path = new StringBuilder(directory.resolve(LAUNCHER).toString());
        for (Path jar : more) {
            path.append(java.io.File.pathSeparatorChar).append(jar);
        }
        return path.toString();
    }

    /** Before the class path and the start class: what Payara's launcher jar would have given the JVM. */
    List<String> jvmOptions() {
        List<String> options = new ArrayList<>(moduleOptions);
        options.add("-D" + BOOT_JAR + "=" + directory.resolve(LAUNCHER).toUri());
        options.add("-D" + UNPACK_DIR + "=" + directory);
        return options;
    }

    String startClass() {
        return startClass;
    }

    /**
     * A fresh instance root: the pristine domain configuration and the resource adapters copied from the layout
     * (a few hundred KB). Payara writes its configuration, deployments and generated files there, never here.
     */
    void prepareRoot(Path root) throws IOException {
        copyTree(directory.resolve("config"), root.resolve("config"));
        copyTree(directory.resolve("lib"), root.resolve("lib"));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** What a start killed while it laid Payara out left behind (some 200 MB), once no start can still be at it. */
    private static void removeAbandoned(Path cache) {
        Instant before = Instant.now().minus(ABANDONED);
        try (Stream<Path> files = Files.list(cache)) {
            files.filter(f -> f.getFileName().toString().startsWith("payara-micro-") && f.getFileName().toString().contains(".part"))
                    .filter(f -> {
                        try {
                            return Files.getLastModifiedTime(f).toInstant().isBefore(before);
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .forEach(ExplodedPayara::delete);
        } catch (IOException e) {
            // a cache: what is left is only space
        }
    }

    static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void delete(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // what is left of a failed attempt: the next one uses a directory of its own
        }
    }
}
