package pgeventserv.launch;

import pgeventserv.config.ConnectionSettings;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.BindException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import pgeventserv.config.Setting;
import pgeventserv.config.SettingValues;
import pgeventserv.config.Version;

/**
 * Payara Micro as a child JVM, configured from the settings: the WAR at {@code BasePath}, the listeners on
 * {@code HttpHost}:{@code HttpPort} (and {@code HttpsPort} with a keystore made from the PEM files), the
 * {@code jdbc/eventserv} pool from the database settings, and the settings the server JVM must see as
 * system properties. Then it waits until the application itself answers (Payara logs "ready" even when
 * a deployment failed) and prints the one startup line.
 *
 * <p>A child JVM because what Payara needs is given when a JVM starts: the {@code --add-opens} its manifest
 * declares, its jars on the class path ({@link ExplodedPayara}) and their class archive ({@link ClassArchive}).
 * SIGTERM to this process is passed on, so the server shuts down cleanly (clients get 1001); this run's
 * directory (keystore, pool password, Payara's instance root) is deleted after it.
 */
final class ServerProcess {

    /** HTTPS: the keystore made from the PEM files, its (random, per run) password, the port. */
    record Tls(KeyStore keyStore, char[] password, int port) {
    }

    private static final long READY_TIMEOUT_SECONDS = 180;
    /** Long enough for the first stop of a new runtime, which writes the class archive ({@link ClassArchive}). */
    private static final long STOP_TIMEOUT_SECONDS = 60;

    /**
     * What Payara Micro starts that this server never uses. {@code --nohazelcast}: no data grid at all (not merely
     * no cluster, which still boots Hazelcast: some 2 s of a start); nothing here shares sessions, caches or EJB
     * timers between instances. {@code --disablephonehome}: no report to Payara's servers.
     */
    static final List<String> PAYARA_OPTIONS = List.of("--nohazelcast", "--disablephonehome");

    private final SettingValues settings;
    private final ConnectionSettings db;
    private final Optional<Tls> tls;
    private final long poolIdleTimeoutSeconds;
    private final ServerLogging logging;

    ServerProcess(SettingValues settings, ConnectionSettings db, Optional<Tls> tls, long poolIdleTimeoutSeconds, ServerLogging logging) {
        this.settings = settings;
        this.db = db;
        this.tls = tls;
        this.poolIdleTimeoutSeconds = poolIdleTimeoutSeconds;
        this.logging = logging;
    }

    int run(Path cache, PrintStream out, PrintStream err) throws IOException, InterruptedException {
        checkPortsFree();
        // Owner-only: it holds the pool's password and the TLS key.
        Path work = Files.createTempDirectory("pg_eventserv",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Process server;
        Launch launch;
        try {
            launch = command(cache, work);
            ProcessBuilder builder = new ProcessBuilder(launch.command()).inheritIO();
            builder.environment().keySet().removeIf(ServerProcess::isPlainSettingName);
            server = builder.start();
        } catch (IOException | IllegalArgumentException | UncheckedIOException | InterruptedException e) {
            delete(work);
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.destroy();
            try {
                if (server.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    launch.archive().keep(server.exitValue(), logging.file());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            delete(work);
        }));
        say(out, "INFO", "pg_eventserv " + Version.current() + " starting; the server's log: " + logging.file());
        if (awaitApplication(server)) {
            say(out, "INFO", startupLine());
        } else if (server.isAlive()) {
            err.println("pg_eventserv: the server started but the application did not answer within "
                    + READY_TIMEOUT_SECONDS + " s; see " + logging.file());
            return 1;
        } else {
            err.println("pg_eventserv: the server stopped while starting (exit status " + server.exitValue() + "); see "
                    + logging.file());
            return 1;
        }
        int exit = server.waitFor();
        launch.archive().keep(exit, logging.file());
        return exit == 0 ? 0 : 1;
    }

    /** The server's command line, and the class archive it uses or makes. */
    private record Launch(List<String> command, ClassArchive archive) {
    }

    private Launch command(Path cache, Path work) throws IOException, InterruptedException {
        List<String> options = new ArrayList<>(ServerJvmOptions.from(ManagementFactory.getRuntimeMXBean().getInputArguments()));
        options.addAll(logging.jvmOptions(cache, work));
        NestedRuntime.Unpacked runtime = NestedRuntime.unpack(cache, work, logging.file());
        Path root = work.resolve("root");
        runtime.payara().prepareRoot(root);
        Path preBoot = Files.writeString(work.resolve("pre-boot.asadmin"),
                PreBootCommands.render(settings.get(Setting.HTTP_HOST).orElseThrow(), tls.isPresent())
                        + HttpThreadPool.render(settings.number(Setting.MAX_SESSIONS)));
        Path postDeploy = Files.writeString(work.resolve("post-deploy.asadmin"),
                PreBootCommands.openListeners(tls.isPresent()));
        Path postBoot = Files.writeString(work.resolve("post-boot.asadmin"),
                // true: the pool's loggers are quieted by the logging configuration (ServerLogging), not by a command.
                PostBootCommands.render(db, settings.number(Setting.DB_POOL_MAX_CONNS), poolIdleTimeoutSeconds, true));

        Properties system = new Properties();
        system.putAll(settings.forServer());
        List<String> tlsOptions = new ArrayList<>();
        if (tls.isPresent()) {
            Path keystore = work.resolve("keystore.p12");
            try (OutputStream stream = Files.newOutputStream(keystore)) {
                tls.get().keyStore().store(stream, tls.get().password());
            } catch (GeneralSecurityException e) {
                throw new IOException("writing the keystore: " + e.getMessage(), e);
            }
            system.putAll(Map.of("javax.net.ssl.keyStore", keystore.toString(),
                    "javax.net.ssl.keyStorePassword", new String(tls.get().password()), "javax.net.ssl.keyStoreType", "PKCS12"));
            tlsOptions = List.of("--sslport", Integer.toString(tls.get().port()), "--sslcert", PemKeyStore.ALIAS);
        }
        Path properties = work.resolve("server.properties");
        try (OutputStream stream = Files.newOutputStream(properties)) {
            system.store(stream, "pg_eventserv settings for the server JVM");
        }

        // The driver on the system class path, as --addlibs would have put it on Payara's.
        String classPath = runtime.payara().classPath(runtime.driver());
        // The archive's options and Payara's (an AOT cache is assembled by a JVM given the same).
        List<String> archived = new ArrayList<>(options);
        archived.addAll(runtime.payara().jvmOptions());
        ClassArchive archive = ClassArchive.of(cache, archived, classPath);
        List<String> java = new ArrayList<>(List.of(ExplodedPayara.javaCommand()));
        java.addAll(options);
        java.addAll(archive.jvmOptions());
        java.addAll(runtime.payara().jvmOptions());
        java.addAll(List.of("-cp", classPath, runtime.payara().startClass()));
        java.addAll(PAYARA_OPTIONS);
        java.addAll(List.of("--rootdir", root.toString(),
                "--systemproperties", properties.toString(),
                "--prebootcommandfile", preBoot.toString(),
                "--postbootcommandfile", postBoot.toString(),
                "--postdeploycommandfile", postDeploy.toString(),
                "--deploy", runtime.war().toString(), "--contextroot", settings.get(Setting.BASE_PATH).orElseThrow(),
                "--port", Integer.toString(settings.number(Setting.HTTP_PORT))));
        java.addAll(tlsOptions);
        return new Launch(java, archive);
    }

    /**
     * Whether MicroProfile's plain environment source would read this variable as a setting: {@code CHANNELS}
     * as {@code Channels}. The original reads only {@code ES_} variables, and so does this launcher, so the
     * server is not given these: a stray {@code DEBUG} or {@code CHANNELS} cannot change what the server does
     * behind the launcher's back (it would beat the file and the defaults there).
     */
    static boolean isPlainSettingName(String variable) {
        return Setting.byKey(variable).isPresent();
    }

    /** A line of the launcher's own, in the server's log format. */
    private void say(PrintStream out, String level, String message) {
        out.print(logging.json() ? LogLineFormatter.json(Instant.now(), level, "pg_eventserv", message, null)
                : LogLineFormatter.plain(Instant.now(), level, message));
        out.flush();
    }

    /**
     * A port already taken would make Payara Micro log a stack trace and then hang, never exiting: said here in
     * one line instead. (Another process may still take the port in the second before the server binds it.)
     */
    private void checkPortsFree() throws IOException {
        String host = settings.get(Setting.HTTP_HOST).orElseThrow();
        checkPortFree(host, Setting.HTTP_PORT, settings.number(Setting.HTTP_PORT));
        if (tls.isPresent()) {
            checkPortFree(host, Setting.HTTPS_PORT, tls.get().port());
        }
    }

    private void checkPortFree(String host, Setting setting, int port) throws IOException {
        String address = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(address), port));
        } catch (BindException e) {
            throw new IOException(setting.key() + " " + port + " (" + settings.source(setting) + ") on " + host
                    + " is in use by another process");
        }
    }

    private String startupLine() {
        String host = settings.get(Setting.HTTP_HOST).orElseThrow();
        String path = basePathWithSlash();
        return "pg_eventserv " + Version.current() + " ready on " + urlHost(host) + ":" + settings.number(Setting.HTTP_PORT)
                + tls.map(t -> " and https " + urlHost(host) + ":" + t.port()).orElse("") + ", database " + db.describe()
                + ", channels " + settings.get(Setting.CHANNELS).orElseThrow().replace(",", " ").replace("\\ ", ",")
                + (settings.flag(Setting.DEBUG) ? ", debug logging" : "")
                + ": open http://" + (isWildcard(host) ? "localhost" : urlHost(host)) + ":" + settings.number(Setting.HTTP_PORT) + path;
    }

    private boolean awaitApplication(Process server) throws InterruptedException {
        String host = settings.get(Setting.HTTP_HOST).orElseThrow();
        URI viewer = URI.create("http://" + (isWildcard(host) ? "127.0.0.1" : urlHost(host)) + ":" + settings.number(Setting.HTTP_PORT)
                + basePathWithSlash());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_TIMEOUT_SECONDS);
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

    private String basePathWithSlash() {
        String path = settings.get(Setting.BASE_PATH).orElseThrow();
        return path.endsWith("/") ? path : path + "/";
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    /** An IPv6 address in a URL is bracketed. */
    private static String urlHost(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static void delete(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temporary directory: the system cleans up what is left
        }
    }
}
