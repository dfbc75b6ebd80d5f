package pgeventserv.launch;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * pg_eventserv.jar carries what it runs: Payara Micro, the PostgreSQL driver and the WAR, stored under
 * {@code runtime/}. {@code java -jar} cannot run a jar inside a jar, so they are unpacked: Payara Micro and
 * the driver into a cache (named by their CRC, so each version is unpacked once and a newer build never
 * reuses an older file), the WAR into this run's own directory.
 */
final class NestedRuntime {

    static final String PAYARA_MICRO = "runtime/payara-micro.jar";
    static final String DRIVER = "runtime/postgresql.jar";
    static final String WAR = "runtime/pg_eventserv.war";

    record Unpacked(Path payaraMicro, Path driver, Path war) {
    }

    private NestedRuntime() {
    }

    static Unpacked unpack(Path cache, Path work) throws IOException {
        Path jar = launcherJar();
        try (JarFile bundle = new JarFile(jar.toFile())) {
            Path payara = cached(bundle, PAYARA_MICRO, cache, work);
            Path driver = cached(bundle, DRIVER, cache, work);
            Path war = work.resolve("pg_eventserv.war");
            copy(bundle, entry(bundle, WAR), war);
            return new Unpacked(payara, driver, war);
        }
    }

    /** The driver alone, for {@code --install-sql}: in the cache, else in the system temp directory. */
    static Path driver(Path cache) throws IOException {
        try (JarFile bundle = new JarFile(launcherJar().toFile())) {
            return cached(bundle, DRIVER, cache, Path.of(System.getProperty("java.io.tmpdir")));
        }
    }

    /** {@code $XDG_CACHE_HOME/pg_eventserv}, else {@code ~/.cache/pg_eventserv}. */
    static Path cacheDirectory(Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("pg_eventserv");
    }

    private static Path cached(JarFile bundle, String name, Path cache, Path work) throws IOException {
        ZipEntry entry = entry(bundle, name);
        String file = name.substring(name.indexOf('/') + 1);
        int dot = file.lastIndexOf('.');
        String keyed = file.substring(0, dot) + "-" + Long.toHexString(entry.getCrc()) + "-" + entry.getSize() + file.substring(dot);
        Path target = cache.resolve(keyed);
        if (Files.isRegularFile(target) && Files.size(target) == entry.getSize()) {
            return target;
        }
        try {
            Files.createDirectories(cache);
        } catch (IOException e) {
            target = work.resolve(keyed);
        }
        copy(bundle, entry, target);
        return target;
    }

    /** Written beside the target and moved into place, so a concurrent start never sees half a file. */
    private static void copy(JarFile bundle, ZipEntry entry, Path target) throws IOException {
        Path partial = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
        try (InputStream in = bundle.getInputStream(entry)) {
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    private static ZipEntry entry(JarFile bundle, String name) throws IOException {
        ZipEntry entry = bundle.getEntry(name);
        if (entry == null) {
            throw new IOException(bundle.getName() + " lacks " + name + ": build it with mvn package");
        }
        return entry;
    }

    private static Path launcherJar() throws IOException {
        try {
            Path location = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(location)) {
                throw new IOException("pg_eventserv runs from pg_eventserv.jar (mvn package builds target/pg_eventserv.jar), not from "
                        + location);
            }
            return location;
        } catch (URISyntaxException e) {
            throw new IOException("cannot locate pg_eventserv.jar", e);
        }
    }
}
