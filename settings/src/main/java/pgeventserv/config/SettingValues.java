package pgeventserv.config;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every setting's value, and where it came from, resolved without MicroProfile Config: the launcher needs
 * them before the server exists (ports, address, base path, TLS, the pool). Each {@link SettingSource} is read
 * by the same code the WAR's config sources use ({@link Setting#defaults()}, {@link ConfigFile#read},
 * {@link EnvironmentOverrides#read}) and applied in the order of the same ordinals, so the launcher and
 * the server cannot disagree. Every value is checked here, before anything starts, and an error names the
 * source it came from.
 */
public final class SettingValues {

    /** A value and where it came from, for messages. */
    public record Value(String value, String source) {
    }

    private static final String SWITCH_PREFIX = "pgeventserv.";

    private final Map<Setting, Value> values;
    private final Map<String, String> forServer;

    private SettingValues(Map<Setting, Value> values, Map<String, String> forServer) {
        this.values = values;
        this.forServer = forServer;
    }

    public static SettingValues resolve(boolean debugOption, Map<String, String> env, Map<String, String> systemProperties,
                                        Optional<Path> file) {
        Map<SettingSource, Map<Setting, Value>> bySource = new EnumMap<>(SettingSource.class);
        bySource.put(SettingSource.DEFAULT, tagged(Setting.defaults(), setting -> "default"));
        bySource.put(SettingSource.FILE, file.map(f -> tagged(ConfigFile.read(f), setting -> f.toString())).orElse(Map.of()));
        bySource.put(SettingSource.ES_VARIABLE, tagged(EnvironmentOverrides.read(env), Setting::envName));
        bySource.put(SettingSource.SYSTEM_PROPERTY, systemProperties(systemProperties));
        Map<Setting, Value> overrides = new EnumMap<>(Setting.class);
        Optional.ofNullable(env.get("DATABASE_URL")).filter(url -> !url.isEmpty())
                .ifPresent(url -> overrides.put(Setting.DB_CONNECTION, new Value(url, "DATABASE_URL")));
        if (debugOption) {
            overrides.put(Setting.DEBUG, new Value("true", "--debug"));
        }
        bySource.put(SettingSource.OVERRIDE, overrides);

        Map<Setting, Value> values = new EnumMap<>(Setting.class);
        for (SettingSource source : SettingSource.lowestFirst()) {
            values.putAll(bySource.get(source));
        }
        return new SettingValues(values, forServer(bySource.get(SettingSource.SYSTEM_PROPERTY), systemProperties, debugOption, file));
    }

    private static Map<Setting, Value> tagged(Map<String, String> byKey, Function<Setting, String> source) {
        Map<Setting, Value> values = new EnumMap<>(Setting.class);
        byKey.forEach((key, v) -> {
            Setting setting = Setting.byKey(key).orElseThrow();
            values.put(setting, new Value(v, source.apply(setting)));
        });
        return values;
    }

    /** As MicroProfile reads them, an empty one is no value; names are case-insensitive, as the file's keys. */
    private static Map<Setting, Value> systemProperties(Map<String, String> systemProperties) {
        Map<Setting, Value> values = new EnumMap<>(Setting.class);
        systemProperties.forEach((name, v) -> Setting.byKey(name).ifPresent(setting -> {
            Optional<String> checked;
            try {
                checked = v.isEmpty() ? Optional.empty() : setting.kind() == Setting.Kind.LIST ? Optional.of(v) : setting.read(v);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("system property " + name + ": " + e.getMessage());
            }
            checked.ifPresent(c -> values.put(setting, new Value(c, "system property " + name)));
        }));
        return values;
    }

    /**
     * The server is a separate JVM that reads the file and the {@code ES_} variables itself, with the same code:
     * it is handed the file's name, the settings given to this JVM as system properties (by their canonical key,
     * since MicroProfile's names are case-sensitive), {@code --debug}, and maintainers' switches such as
     * {@code -Dpgeventserv.rawFrames=false}.
     */
    private static Map<String, String> forServer(Map<Setting, Value> properties, Map<String, String> systemProperties,
                                                 boolean debugOption, Optional<Path> file) {
        Map<String, String> forServer = new LinkedHashMap<>();
        systemProperties.forEach((name, v) -> {
            if (name.startsWith(SWITCH_PREFIX)) {
                forServer.put(name, v);
            }
        });
        properties.forEach((setting, v) -> forServer.put(setting.key(), v.value()));
        if (debugOption) {
            forServer.put(Setting.DEBUG.key(), "true");
        }
        file.ifPresent(f -> forServer.put(ConfigFile.PROPERTY, f.toString()));
        return forServer;
    }

    public Optional<String> get(Setting setting) {
        return Optional.ofNullable(values.get(setting)).map(Value::value);
    }

    public String source(Setting setting) {
        return Optional.ofNullable(values.get(setting)).map(Value::source).orElse("unset");
    }

    public int number(Setting setting) {
        return Integer.parseInt(get(setting).orElseThrow());
    }

    public boolean flag(Setting setting) {
        return Boolean.parseBoolean(get(setting).orElse("false"));
    }

    /** The system properties the server JVM gets, so its MicroProfile Config sees what this one saw. */
    public Map<String, String> forServer() {
        return forServer;
    }
}
