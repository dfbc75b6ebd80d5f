package pgeventserv;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster of the tests' own, for faults that must not touch the shared server: killing
 * backends, stopping and starting the whole server. {@link #create()} runs initdb in a fresh directory and picks a
 * free port, but does not start it, so a test can begin with the database down.
 *
 * <p>The binaries are the machine's newest {@code /usr/lib/postgresql/<version>/bin} (else whatever is on the
 * PATH). PostgreSQL refuses to run as root, so as root every command runs as the {@code postgres} user
 * ({@code runuser}), in a directory under the system temp directory that user owns. A shutdown hook stops the
 * server and deletes the directory even when a test fails before {@link #close()}.
 */
public final class PrivateCluster implements AutoCloseable {

    private static final long COMMAND_TIMEOUT_SECONDS = 60;
    private static final String USER = "postgres";

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final int port;
    private final boolean asRoot;
    private final Thread cleanup = new Thread(this::destroy, "private-cluster-cleanup");

    private PrivateCluster(Path bin, Path dir, int port, boolean asRoot) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
        this.asRoot = asRoot;
    }

    /** A new cluster, initialised and configured on a free port, not started yet. */
    public static PrivateCluster create() throws IOException, InterruptedException {
        boolean asRoot = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("pgeventserv-cluster-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        if (asRoot) {
            UserPrincipal owner = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(USER);
            Files.setOwner(dir, owner);
        }
        PrivateCluster cluster = new PrivateCluster(binaries(), dir, LaunchedServer.freePort(), asRoot);
        Runtime.getRuntime().addShutdownHook(cluster.cleanup);
        cluster.run(cluster.bin.resolve("initdb").toString(), "-D", cluster.data.toString(), "-U", USER, "-A", "trust", "-E", "UTF8",
                "--no-locale", "--no-sync");
        // Loopback TCP only, the socket in our own directory, no fsync: a scratch database, fast to start and stop.
        Files.writeString(cluster.data.resolve("postgresql.conf"), String.join("\n",
                "port = " + cluster.port,
                "listen_addresses = '127.0.0.1'",
                "unix_socket_directories = '" + dir + "'",
                "fsync = off",
                "synchronous_commit = off",
                "full_page_writes = off",
                "log_connections = on",
                "log_disconnections = on",
                "log_statement = 'all'",
                "log_min_messages = debug1",
                ""), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        return cluster;
    }

    public int port() {
        return port;
    }

    /** The URL the server under test is given: {@code postgresql://postgres@127.0.0.1:<port>/postgres}. */
    public String url() {
        return "postgresql://" + USER + "@127.0.0.1:" + port + "/postgres";
    }

    public void start() throws IOException, InterruptedException {
        run(bin.resolve("pg_ctl").toString(), "start", "-D", data.toString(), "-l", log().toString(),
                "-w", "-t", Long.toString(COMMAND_TIMEOUT_SECONDS));
    }

    /** A fast shutdown: PostgreSQL terminates every backend and stops listening until {@link #start()}. */
    public void stop() throws IOException, InterruptedException {
        run(bin.resolve("pg_ctl").toString(), "stop", "-D", data.toString(), "-m", "fast",
                "-w", "-t", Long.toString(COMMAND_TIMEOUT_SECONDS));
    }

    public Connection connect() throws SQLException {
        return connect(USER, "postgres");
    }

    /** A connection as another role, to another database of the cluster. */
    public Connection connect(String user, String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, props);
    }

    /** The URL of a database of the cluster as a role: {@code postgresql://<user>@127.0.0.1:<port>/<database>}. */
    public String url(String user, String database) {
        return "postgresql://" + user + "@127.0.0.1:" + port + "/" + database;
    }

    /** The cluster's PostgreSQL client program of that name ({@code pg_dump}, {@code pg_restore}). */
    public Path program(String name) {
        return bin.resolve(name);
    }

    /** Terminates every other client backend: on this private cluster they all belong to the server under test. */
    public int terminateOtherBackends() throws SQLException {
        return count("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                + " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()");
    }

    /** Client backends other than the caller's: the server under test's connections. */
    public int otherBackends() throws SQLException {
        return count("SELECT count(*) FROM pg_stat_activity"
                + " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()");
    }

    private int count(String query) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
            r.next();
            return r.getInt(1);
        }
    }

    public Path log() {
        return dir.resolve("postgres.log");
    }

    public String logText() throws IOException {
        return Files.exists(log()) ? Files.readString(log(), StandardCharsets.UTF_8) : "";
    }

    @Override
    public void close() {
        destroy();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // the JVM is shutting down and runs the hook itself
        }
    }

    private synchronized void destroy() {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                run(bin.resolve("pg_ctl").toString(), "stop", "-D", data.toString(), "-m", "immediate", "-w");
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // deleting the directory is still worth trying
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // left in the temp directory
        }
    }

    private void run(String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>();
        if (asRoot) {
            line.addAll(List.of("runuser", "-u", USER, "--"));
        }
        line.addAll(List.of(command));
        Process process = new ProcessBuilder(line).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in " + COMMAND_TIMEOUT_SECONDS + " s");
        }
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + process.exitValue() + "): "
                    + new String(output, StandardCharsets.UTF_8));
        }
    }

    /** The newest installed major version's binaries, found without naming a version. */
    private static Path binaries() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                var newest = versions.filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
                        .max(Comparator.comparingInt(PrivateCluster::majorVersion));
                if (newest.isPresent()) {
                    return newest.get().resolve("bin");
                }
            }
        }
        String onPath = System.getenv().getOrDefault("PATH", "");
        for (String entry : onPath.split(":")) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "initdb"))) {
                return Path.of(entry);
            }
        }
        throw new IOException("no PostgreSQL binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin or on the PATH");
    }

    private static int majorVersion(Path versionDir) {
        try {
            return Integer.parseInt(versionDir.getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
