package pgeventserv.launch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.CRC32;

/**
 * Where the server's log goes. Payara Micro prints hundreds of lines while it boots (its own chatter, each
 * asadmin command echoed, a full dump of every expired CA certificate in the JDK's trust store) in a bracketed,
 * coloured format. The launcher gives the server JVM a {@code logging.properties} of its own instead:
 * <ul>
 * <li>the console shows the application's messages and warnings only ({@link ConsoleFilter}), so a start prints
 * a handful of lines; with {@code --debug} it shows everything;</li>
 * <li>the log file ({@code LogFile}, else {@link #defaultFile}) gets every message, appended;</li>
 * <li>both write one line a message, plain or JSON ({@code LogFormat}), through {@link LogLineFormatter}.</li>
 * </ul>
 * The file is named by the HTTP port, so servers running side by side never share one.
 *
 * <p>{@code java.util.logging} loads handlers' formatters and filters through the system class loader only, before
 * Payara starts: the two classes are copied into the cache and put on the server's boot class path
 * ({@code -Xbootclasspath/a}), which that loader searches first.
 */
final class ServerLogging {

    static final String PLAIN = "plain";
    static final String JSON = "json";
    private static final List<Class<?>> SERVER_SIDE = List.of(LogLineFormatter.class, ConsoleFilter.class);

    /**
     * Loggers quiet unless {@code --debug}: the SSL one logs a whole certificate for every expired CA in the JDK's
     * trust store at each start (the server never uses them: nothing to act on); Payara's pool logs three warnings
     * (RAR5038, RAR5117, RAR5114) per failed reconnect attempt, which the listener already reports once, with the cause.
     */
    static final List<String> QUIET = List.of(
            "javax.enterprise.system.security.ssl",
            "javax.enterprise.resource.resourceadapter.com.sun.enterprise.resource.allocator",
            "javax.enterprise.resource.resourceadapter.com.sun.enterprise.connectors",
            "javax.enterprise.resource.resourceadapter.com.sun.gjc.spi");

    private final Path file;
    private final boolean json;
    private final boolean debug;

    ServerLogging(Path file, String format, boolean debug) {
        if (!format.equals(PLAIN) && !format.equals(JSON)) {
            throw new IllegalArgumentException("LogFormat must be " + PLAIN + " or " + JSON + ", not '" + format + "'");
        }
        this.file = file.toAbsolutePath();
        this.json = format.equals(JSON);
        this.debug = debug;
    }

    /** {@code $XDG_STATE_HOME/pg_eventserv/pg_eventserv-PORT.log}, else under {@code ~/.local/state}. */
    static Path defaultFile(Map<String, String> env, int httpPort) {
        String xdg = env.get("XDG_STATE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "state");
        return base.resolve("pg_eventserv").resolve("pg_eventserv-" + httpPort + ".log");
    }

    Path file() {
        return file;
    }

    boolean json() {
        return json;
    }

    /** The server JVM's options: the classes on its boot class path, this configuration from its first message. */
    List<String> jvmOptions(Path cache, Path work) throws IOException {
        Files.createDirectories(file.getParent());
        Path properties = Files.writeString(work.resolve("logging.properties"), properties());
        return List.of("-Xbootclasspath/a:" + classes(cache, work), "-Djava.util.logging.config.file=" + properties);
    }

    String properties() {
        String formatter = LogLineFormatter.class.getName();
        StringBuilder out = new StringBuilder()
                .append("handlers=java.util.logging.ConsoleHandler, java.util.logging.FileHandler\n")
                .append(".level=INFO\n")
                .append(formatter).append(".json=").append(json).append('\n')
                .append("java.util.logging.ConsoleHandler.formatter=").append(formatter).append('\n')
                .append("java.util.logging.ConsoleHandler.encoding=UTF-8\n")
                .append("java.util.logging.ConsoleHandler.level=ALL\n")
                .append("java.util.logging.FileHandler.formatter=").append(formatter).append('\n')
                .append("java.util.logging.FileHandler.encoding=UTF-8\n")
                .append("java.util.logging.FileHandler.level=ALL\n")
                .append("java.util.logging.FileHandler.append=true\n")
                // One file, never rotated by the server (logrotate's copytruncate works on it); % is the pattern's escape.
                .append("java.util.logging.FileHandler.limit=0\n")
                .append("java.util.logging.FileHandler.count=1\n")
                .append("java.util.logging.FileHandler.pattern=").append(escape(file.toString().replace("%", "%%"))).append('\n')
                // Payara Micro's own defaults for chatty libraries.
                .append("com.hazelcast.level=WARNING\n")
                .append("org.glassfish.admin.mbeanserver.level=WARNING\n")
                .append("fish.payara.nucleus.util.level=WARNING\n")
                .append("javax.enterprise.system.tools.deployment.dol.level=WARNING\n")
                .append("javax.enterprise.system.tools.deployment.common.level=WARNING\n")
                .append("org.hibernate.validator.internal.util.Version.level=WARNING\n");
        if (!debug) {
            out.append("java.util.logging.ConsoleHandler.filter=").append(ConsoleFilter.class.getName()).append('\n');
            QUIET.forEach(logger -> out.append(logger).append(".level=SEVERE\n"));
        }
        return out.toString();
    }

    /** A properties value: backslashes (Windows paths) survive. */
    private static String escape(String value) {
        return value.replace("\\", "\\\\");
    }

    /**
     * The server-side classes, copied out of this jar into a jar named by their checksum: a jar, not a directory,
     * because the JVM makes no class archive ({@link ClassArchive}) with a directory on its boot class path.
     */
    private static Path classes(Path cache, Path work) throws IOException {
        CRC32 crc = new CRC32();
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (Class<?> type : SERVER_SIDE) {
            String name = type.getName().replace('.', '/') + ".class";
            try (InputStream in = type.getClassLoader().getResourceAsStream(name)) {
                if (in == null) {
                    throw new IOException("pg_eventserv.jar lacks " + name + ": build it with mvn package");
                }
                byte[] bytes = in.readAllBytes();
                crc.update(bytes);
                files.put(name, bytes);
            }
        }
        String jar = "log-classes-" + Long.toHexString(crc.getValue()) + ".jar";
        try {
            return write(cache.resolve(jar), files);
        } catch (IOException e) {
            return write(work.resolve(jar), files);
        }
    }

    /** Written beside its place and moved there, so a concurrent start never sees half a jar. */
    private static Path write(Path jar, Map<String, byte[]> files) throws IOException {
        if (Files.isRegularFile(jar)) {
            return jar;
        }
        Files.createDirectories(jar.getParent());
        Path partial = Files.createTempFile(jar.getParent(), jar.getFileName().toString(), ".part");
        try {
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(partial))) {
                for (Map.Entry<String, byte[]> file : files.entrySet()) {
                    out.putNextEntry(new JarEntry(file.getKey()));
                    out.write(file.getValue());
                    out.closeEntry();
                }
            }
            Files.move(partial, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return jar;
        } finally {
            Files.deleteIfExists(partial);
        }
    }
}
