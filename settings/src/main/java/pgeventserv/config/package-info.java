/**
 * Settings. Every key is declared once, with its kind, default and help, in {@link pgeventserv.config.Setting}.
 * Two sources of the original's are added to MicroProfile Config: {@code pg_eventserv.toml}
 * ({@link pgeventserv.config.TomlConfigSource}, ordinal 200) and the {@code ES_} variables
 * ({@link pgeventserv.config.EnvironmentConfigSource}, 250). The server's standard sources rank above them
 * (environment 300, system properties 400) and the {@code @ConfigProperty} defaults below, which gives the
 * original's precedence without any code deciding it.
 *
 * <p>The launcher must decide some things before the server exists (ports, address, base path, TLS, the
 * database pool), so the reading is plain Java ({@link pgeventserv.config.ConfigFile},
 * {@link pgeventserv.config.EnvironmentOverrides}, {@link pgeventserv.config.GoDuration}) that the launcher
 * shares; only the two ConfigSource classes need MicroProfile. The launcher names the file it read to the
 * server (system property {@code pgeventserv.config}), so both read the same file.
 *
 * <p>Values are checked where they are read: an error that names the key, the file and the line stops
 * startup, instead of a converter exception deep inside CDI deployment, or a typo that silently does nothing.
 */
package pgeventserv.config;
