package pgeventserv.launch;

import pgeventserv.config.ConnectionSettings;
import pgeventserv.config.DatabaseUrl;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import pgeventserv.config.ConfigFile;
import pgeventserv.config.GoDuration;
import pgeventserv.config.Setting;
import pgeventserv.config.SettingValues;
import pgeventserv.config.Version;

/**
 * {@code pg_eventserv}: reads the command line and every setting, checks them all before anything starts,
 * then runs the server ({@link ServerProcess}), or prints or installs the durable events' schema
 * ({@link DurableSchema}). Exit codes: 0 after {@code --help}, {@code --version}, {@code --print-sql},
 * {@code --install-sql} or a clean stop; 1 when a setting, the database URL, the install or the server fails;
 * 2 for a bad command line.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        Map<String, String> properties = new HashMap<>();
        System.getProperties().forEach((k, v) -> properties.put(k.toString(), v.toString()));
        System.exit(run(args, System.getenv(), properties, System.out, System.err));
    }

    static int run(String[] args, Map<String, String> env, Map<String, String> systemProperties,
                   PrintStream out, PrintStream err) {
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
        ServerProcess server;
        try {
            Optional<Path> file = ConfigFile.locate(
                    command.config().or(() -> Optional.ofNullable(systemProperties.get(ConfigFile.PROPERTY))), ConfigFile.SEARCH);
            SettingValues settings = SettingValues.resolve(command.debug(), env, systemProperties, file);
            if (command.printSql()) {
                return printSql(schema(settings), out, err);
            }
            if (command.installSql()) {
                return installSql(settings, env, out, err);
            }
            server = new ServerProcess(settings, database(settings, env), tls(settings),
                    GoDuration.parse(settings.get(Setting.DB_POOL_MAX_CONN_LIFETIME).orElseThrow()).toSeconds(),
                    logging(settings, env));
        } catch (IllegalArgumentException e) {
            err.println("pg_eventserv: " + e.getMessage());
            return 1;
        }
        try {
            return server.run(NestedRuntime.cacheDirectory(env), out, err);
        } catch (IOException e) {
            err.println("pg_eventserv: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static int printSql(String schema, PrintStream out, PrintStream err) {
        try {
            out.print(DurableSchema.script(schema));
            return 0;
        } catch (IOException e) {
            err.println("pg_eventserv: " + e.getMessage());
            return 1;
        }
    }

    private static String schema(SettingValues settings) {
        return settings.get(Setting.DURABLE_SCHEMA).orElse(DurableSchema.DEFAULT_SCHEMA);
    }

    private static int installSql(SettingValues settings, Map<String, String> env, PrintStream out, PrintStream err) {
        ConnectionSettings database = database(settings, env);
        OptionalLong maxPayloadBytes = settings.source(Setting.DURABLE_MAX_PAYLOAD_BYTES).equals("default")
                ? OptionalLong.empty() : OptionalLong.of(settings.number(Setting.DURABLE_MAX_PAYLOAD_BYTES));
        try {
            out.println("pg_eventserv: " + DurableSchema.install(database, NestedRuntime.driver(NestedRuntime.cacheDirectory(env)),
                    schema(settings), maxPayloadBytes, warning -> err.println("pg_eventserv: warning: " + warning.replaceFirst("^pg_eventserv: ", ""))));
            return 0;
        } catch (IOException e) {
            err.println("pg_eventserv: --install-sql: " + e.getMessage());
            return 1;
        } catch (SQLException e) {
            err.println("pg_eventserv: --install-sql failed on " + database.describe() + ": " + e.getMessage()
                    + (e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")"));
            return 1;
        }
    }

    private static ConnectionSettings database(SettingValues settings, Map<String, String> env) {
        try {
            return DatabaseUrl.parse(settings.get(Setting.DB_CONNECTION).orElse(null), env, System.getProperty("user.name"));
        } catch (IllegalArgumentException e) {
            String source = settings.source(Setting.DB_CONNECTION);
            throw new IllegalArgumentException((source.equals("unset") ? "the libpq variables" : source) + ": " + e.getMessage());
        }
    }

    private static ServerLogging logging(SettingValues settings, Map<String, String> env) {
        Path file = settings.get(Setting.LOG_FILE).map(Path::of)
                .orElseGet(() -> ServerLogging.defaultFile(env, settings.number(Setting.HTTP_PORT)));
        try {
            return new ServerLogging(file, settings.get(Setting.LOG_FORMAT).orElseThrow(), settings.flag(Setting.DEBUG));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(settings.source(Setting.LOG_FORMAT) + ": " + e.getMessage());
        }
    }

    /** HTTPS needs both files; one without the other is a mistake worth stopping for. */
    private static Optional<ServerProcess.Tls> tls(SettingValues settings) {
        Optional<String> certificate = settings.get(Setting.TLS_CERTIFICATE);
        Optional<String> key = settings.get(Setting.TLS_PRIVATE_KEY);
        if (certificate.isPresent() != key.isPresent()) {
            Setting set = certificate.isPresent() ? Setting.TLS_CERTIFICATE : Setting.TLS_PRIVATE_KEY;
            Setting missing = certificate.isPresent() ? Setting.TLS_PRIVATE_KEY : Setting.TLS_CERTIFICATE;
            throw new IllegalArgumentException(set.key() + " is set (" + settings.source(set) + ") but " + missing.key()
                    + " is not: HTTPS needs both");
        }
        if (certificate.isEmpty()) {
            return Optional.empty();
        }
        if (settings.number(Setting.HTTPS_PORT) == settings.number(Setting.HTTP_PORT)) {
            throw new IllegalArgumentException("HttpsPort and HttpPort are both " + settings.number(Setting.HTTP_PORT)
                    + ": HTTPS needs a port of its own");
        }
        char[] password = randomPassword();
        try {
            KeyStore store = PemKeyStore.load(Path.of(certificate.get()).toAbsolutePath(), Path.of(key.get()).toAbsolutePath(), password);
            return Optional.of(new ServerProcess.Tls(store, password, settings.number(Setting.HTTPS_PORT)));
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    private static char[] randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
    }
}
