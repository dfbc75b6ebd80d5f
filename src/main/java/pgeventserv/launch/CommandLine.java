package pgeventserv.launch;

import java.util.Optional;
import pgeventserv.config.Setting;

/** The original's command line: {@code -c/--config FILE}, {@code -d/--debug}, {@code -h/--help}, {@code -v/--version}. */
record CommandLine(Optional<String> config, boolean debug, boolean help, boolean version) {

    static CommandLine parse(String[] args) {
        Optional<String> config = Optional.empty();
        boolean debug = false;
        boolean help = false;
        boolean version = false;
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
                default -> {
                    if (arg.startsWith("--config=")) {
                        config = Optional.of(arg.substring("--config=".length()));
                    } else {
                        throw new IllegalArgumentException("unknown option '" + arg + "'");
                    }
                }
            }
        }
        return new CommandLine(config, debug, help, version);
    }

    static String usage() {
        StringBuilder s = new StringBuilder("""
                Usage: pg_eventserv [options]
                Relays PostgreSQL NOTIFY payloads to WebSocket clients at ws://host:7700/listen/{channel}.

                Options:
                  -c, --config FILE   read settings from this pg_eventserv.toml
                  -d, --debug         log every LISTEN, connect, disconnect and refusal
                  -h, --help          show this help and exit
                  -v, --version       show the version and exit

                The database: DATABASE_URL (postgresql://user:pass@host:port/db or libpq key=value),
                else the libpq variables PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE, else localhost:5432.

                Settings (pg_eventserv.toml key, environment override, default):
                """);
        for (Setting setting : Setting.values()) {
            s.append(String.format("  %-26s %-30s %s%n      %s%n", setting.key(), setting.envName(),
                    setting.defaultValue().orElse("(unset)"), setting.help()));
        }
        return s.toString();
    }
}
