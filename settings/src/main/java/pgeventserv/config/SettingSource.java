package pgeventserv.config;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Where a setting's value comes from, highest first, with the MicroProfile Config ordinal of each. This is
 * the one place precedence is decided: the WAR's config sources report these ordinals, and the launcher,
 * which must resolve settings before any server exists ({@link SettingValues}), applies the sources in
 * the same order.
 *
 * <p>The servers bring sources of their own: system properties (400, the same rank as ours), the plain
 * environment (300: {@code CHANNELS} sets {@code Channels}) and their consoles' and files' (Payara's 90 to 180,
 * Liberty's {@code server.xml} variables 500). The original's users expect {@code ES_CHANNELS} to win over a
 * stray {@code CHANNELS}, so the {@code ES_} variables rank above the plain environment; the defaults rank
 * below everything, so a value set in any server's console still beats them.
 */
public enum SettingSource {
    /**
     * {@code DATABASE_URL} (for {@code DbConnection}) and {@code --debug} (for {@code Debug}). Only the launcher
     * reads them: it hands {@code --debug} on as the system property {@code Debug}, and {@code DbConnection} only
     * ever configures the pool the launcher makes (inside a server the DataSource is the server's).
     */
    OVERRIDE("DATABASE_URL and --debug", 500),
    /** {@code -DHttpPort=7777}; inside the server, MicroProfile's own source of the same ordinal. */
    SYSTEM_PROPERTY("system properties", 400),
    /** {@code ES_HTTPPORT=7777} ({@link EnvironmentConfigSource}). */
    ES_VARIABLE("ES_ environment variables", 350),
    /** {@code pg_eventserv.toml} ({@link TomlConfigSource}). */
    FILE("pg_eventserv.toml", 200),
    /** {@link Setting#defaultValue()} ({@link DefaultsConfigSource}). */
    DEFAULT("defaults", 0);

    /** MicroProfile's ordinal for the server's plain environment variables, which ours must beat. */
    public static final int PLAIN_ENVIRONMENT = 300;

    private final String description;
    private final int configOrdinal;

    SettingSource(String description, int configOrdinal) {
        this.description = description;
        this.configOrdinal = configOrdinal;
    }

    public String description() {
        return description;
    }

    /** The MicroProfile Config ordinal: the higher wins. */
    public int configOrdinal() {
        return configOrdinal;
    }

    /** In the order a resolver applies them, each overwriting what the ones before it gave. */
    public static List<SettingSource> lowestFirst() {
        return Arrays.stream(values()).sorted(Comparator.comparingInt(SettingSource::configOrdinal)).toList();
    }
}
