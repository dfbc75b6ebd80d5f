/**
 * Settings. Every key is declared once, with its kind, default and help, in {@link pgeventserv.config.Setting};
 * the launcher, the WAR, {@code --help} and the shipped example file all take it from there.
 *
 * <p>Precedence is decided in one place, {@link pgeventserv.config.SettingSource}: highest first,
 * {@code DATABASE_URL} and {@code --debug}, system properties, the {@code ES_} variables, {@code pg_eventserv.toml},
 * the defaults. Inside a server those are MicroProfile Config sources with that enum's ordinals:
 * {@link pgeventserv.config.EnvironmentConfigSource} (350, above the server's plain environment source at 300,
 * so {@code ES_CHANNELS} beats a stray {@code CHANNELS}), {@link pgeventserv.config.TomlConfigSource} (200) and
 * {@link pgeventserv.config.DefaultsConfigSource} (0, below every server's own sources), next to the server's
 * system properties (400). The launcher must decide some things before the server exists (ports, address, base
 * path, TLS, the pool), so {@link pgeventserv.config.SettingValues} resolves the same sources, read by the same
 * plain-Java code ({@link pgeventserv.config.ConfigFile}, {@link pgeventserv.config.EnvironmentOverrides},
 * {@link pgeventserv.config.Setting#defaults()}), in the same order. The launcher names the file it read to the
 * server (system property {@code pgeventserv.config}) and keeps plain {@code CHANNELS}-style variables from it, so
 * both see the same values.
 *
 * <p>Values are checked where they are read: an error that names the key, the file and the line stops startup,
 * instead of a converter exception deep inside CDI deployment, or a typo that silently does nothing. An empty
 * string is no value for every text key, as the original's own defaults for them are empty strings.
 */
package pgeventserv.config;
