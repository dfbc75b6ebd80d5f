package pgeventserv.launch;

import java.io.IOException;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import pgeventserv.config.Setting;
import pgeventserv.config.Version;

/**
 * {@code pg_eventserv}: starts Payara Micro with the WAR at the root context, the PostgreSQL driver, and the
 * {@code jdbc/eventserv} pool built from {@code DATABASE_URL}, then waits until the application itself
 * answers (Payara logs "ready" even when a deployment failed) and prints the viewer's URL.
 *
 * <p>Payara Micro runs as a child JVM: its jar declares the {@code --add-opens} it needs in its manifest,
 * which only {@code java -jar} honours. SIGTERM to this process is passed on, so the server shuts down
 * cleanly (clients get 1001).
 */
public final class Main {

    private static final long READY_TIMEOUT_SECONDS = 180;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        CommandLine command;
        try {
            command = CommandLine.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("pg_eventserv: " + e.getMessage());
            err.print(CommandLine.usage());
            return 2;
        }
        if (command.help()) {
            out.print(CommandLine.usage());
            return 0;
        }
        if (command.version()) {
            out.println("pg_eventserv " + Version.current());
            return 0;
        }
        ConnectionSettings db;
        int port;
        try {
            String dbSource = env.containsKey("DATABASE_URL") ? "DATABASE_URL" : Setting.DB_CONNECTION.envName();
            try {
                db = DatabaseUrl.parse(env.get(dbSource), env, System.getProperty("user.name"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(dbSource + ": " + e.getMessage());
            }
            port = parsePort(env.getOrDefault(Setting.HTTP_PORT.envName(), Setting.HTTP_PORT.defaultValue().orElseThrow()));
        } catch (IllegalArgumentException e) {
            err.println("pg_eventserv: " + e.getMessage());
            return 1;
        }
        try {
            return serve(command, db, port, env, out, err);
        } catch (IOException e) {
            err.println("pg_eventserv: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static int parsePort(String text) {
        try {
            int port = Integer.parseInt(text.trim());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("HttpPort '" + text + "' is not a port number");
    }

    private static int serve(CommandLine command, ConnectionSettings db, int port, Map<String, String> env,
                             PrintStream out, PrintStream err) throws IOException, InterruptedException {
        Path home = installation();
        Path runtime = home.resolve("runtime");
        // Owner-only: the post-boot file holds the database password.
        Path work = Files.createTempDirectory("pg_eventserv",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path postBoot = work.resolve("post-boot.asadmin");
        int poolSize = Integer.parseInt(env.getOrDefault(Setting.DB_POOL_MAX_CONNS.envName(), "4"));
        Files.writeString(postBoot, PostBootCommands.render(db, poolSize), StandardCharsets.UTF_8);

        List<String> java = new ArrayList<>();
        java.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (command.debug()) {
            java.add("-DDebug=true");
        }
        java.addAll(List.of("-jar", runtime.resolve("payara-micro.jar").toString(),
                "--nocluster", "--rootdir", work.resolve("root").toString(),
                "--addlibs", runtime.resolve("postgresql.jar").toString(),
                "--postbootcommandfile", postBoot.toString(),
                "--deploy", home.resolve("pg_eventserv.war").toString(), "--contextroot", "/",
                "--port", Integer.toString(port)));
        Process server = new ProcessBuilder(java).inheritIO().start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.destroy();
            try {
                server.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            deleteTree(work);
        }));
        String channels = env.getOrDefault(Setting.CHANNELS.envName(), "*");
        if (awaitApplication(server, port)) {
            out.println("pg_eventserv " + Version.current() + " ready on port " + port + ", database " + db.describe()
                    + ", channels " + channels + ": open http://localhost:" + port + "/");
        } else if (server.isAlive()) {
            err.println("pg_eventserv: the server started but the application did not answer within "
                    + READY_TIMEOUT_SECONDS + " s; see the log above");
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
            return 1;
        }
        return server.waitFor();
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }

    /** The directory holding the launcher jar: {@code target/} after a build. */
    private static Path installation() throws IOException {
        try {
            Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.getParent();
        } catch (URISyntaxException e) {
            throw new IOException("cannot locate the pg_eventserv installation", e);
        }
    }

    private static boolean awaitApplication(Process server, int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_TIMEOUT_SECONDS);
        URI viewer = URI.create("http://127.0.0.1:" + port + "/");
        while (server.isAlive() && System.nanoTime() < deadline) {
            try {
                HttpURLConnection http = (HttpURLConnection) viewer.toURL().openConnection();
                http.setConnectTimeout(1000);
                http.setReadTimeout(2000);
                if (http.getResponseCode() == 200) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        return false;
    }
}
