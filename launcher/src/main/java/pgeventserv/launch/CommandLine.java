package pgeventserv.launch;

import java.util.Optional;
import pgeventserv.config.Setting;

/**
 * The original's command line: {@code -c/--config FILE}, {@code -d/--debug}, {@code -h/--help}, {@code -v/--version};
 * ours: {@code --print-sql} and {@code --install-sql} for the durable events' schema.
 */
record CommandLine(Optional<String> config, boolean debug, boolean help, boolean version, boolean printSql, boolean installSql) {

    CommandLine(Optional<String> config, boolean debug, boolean help, boolean version) {
        this(config, debug, help, version, false, false);
    }

    static CommandLine parse(String[] args) {
        Optional<String> config = Optional.empty();
        boolean debug = false;
        boolean help = false;
        boolean version = false;
        boolean printSql = false;
        boolean installSql = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "-c", "--config" -> {
                    if (i + 1 == args.length) {
                        throw new IllegalArgumentException(arg + " needs a file name");
                    }
                    config = Optional.of(args[++i]);
                }
                case "-d", "--debug" -> debug = true;
                case "-h", "--help" -> help = true;
                case "-v", "--version" -> version = true;
                case "--print-sql" -> printSql = true;
                case "--install-sql" -> installSql = true;
                default -> {
                    if (arg.startsWith("--config=")) {
                        config = Optional.of(arg.substring("--config=".length()));
                    } else {
                        throw new IllegalArgumentException("unknown option '" + arg + "'");
                    }
                }
            }
        }
        return new CommandLine(config, debug, help, version, printSql, installSql);
    }

    static String usage() {
        StringBuilder s = new StringBuilder("""
                Usage: pg_eventserv [options]
                Relays PostgreSQL NOTIFY payloads to WebSocket clients at ws://host:7700/listen/{channel}.

                Options:
                  -c, --config FILE   read settings from this pg_eventserv.toml (default: the first of
                                      ./config/pg_eventserv.toml, /config/pg_eventserv.toml, /etc/pg_eventserv.toml)
                  -d, --debug         log every LISTEN, UNLISTEN, connect, disconnect and refusal
                  -h, --help          show this help and exit
                  -v, --version       show the version and exit
                      --print-sql     print sql/pg_eventserv.sql (durable events: schema eventserv, or
                                      DurableSchema) and exit
                      --install-sql   install or upgrade that schema in the configured database and exit
                                      (as the database owner, no superuser; re-running it changes nothing)

                The database: DATABASE_URL (postgresql://user:pass@host:port/db or libpq key=value),
                else DbConnection, else the libpq variables PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE
                PGSSLMODE, else localhost:5432.

                Each setting comes from, highest first: DATABASE_URL and --debug, a Java system property
                (java -DHttpPort=7777 -jar pg_eventserv.jar), its ES_ environment variable, the
                pg_eventserv.toml file (keys case-insensitive), the default. Lists are whitespace
                separated in ES_ variables and TOML arrays in the file.

                Exit status: 0 after --help, --version, --print-sql, --install-sql or a clean stop; 1 for a
                bad setting, file or database URL, a failed install or a failed server; 2 for a bad command line.

                Settings (pg_eventserv.toml key, environment override, default):
                """);
        for (Setting setting : Setting.values()) {
            s.append(String.format("  %-26s %-30s %s%n      %s%n", setting.key(), setting.envName(),
                    setting.defaultValue().orElse("(unset)"), setting.help()));
        }
        return s.toString();
    }
}
