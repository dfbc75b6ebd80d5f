/**
 * Settings: every key declared once in {@link pgeventserv.config.Setting} with its default and help, and the
 * MicroProfile Config sources that make the original's {@code pg_eventserv.toml} and {@code ES_*} variables
 * work. Classes elsewhere inject the values they use with {@code @ConfigProperty}.
 */
package pgeventserv.config;
