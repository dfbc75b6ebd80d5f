package pgeventserv.launch;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import pgeventserv.config.ConfigFile;
import pgeventserv.config.EnvironmentOverrides;
import pgeventserv.config.Setting;

/**
 * The settings as the launcher sees them, each taken from the highest source that has it, in the
 * order MicroProfile Config gives the server: {@code DATABASE_URL} and {@code --debug}, system properties,
 * {@code ES_} variables, {@code pg_eventserv.toml}, defaults. Every value is checked here, before anything
 * starts, and an error names the source it came from.
 */
final class Settings {

    /** A value and where it came from, for messages. */
    record Value(String value, String source) {
    }

    private static final String SWITCH_PREFIX = "pgeventserv.";

    private final Map<Setting, Value> values;
    private final Map<String, String> forServer;

    private Settings(Map<Setting, Value> values, Map<String, String> forServer) {
        this.values = values;
        this.forServer = forServer;
    }

    static Settings resolve(boolean debugOption, Map<String, String> env, Map<String, String> systemProperties,
                            Optional<Path> file) {
        Map<Setting, Value> values = new EnumMap<>(Setting.class);
        for (Setting setting : Setting.values()) {
            setting.defaultValue().ifPresent(v -> values.put(setting, new Value(v, "default")));
        }
        file.ifPresent(f -> ConfigFile.read(f).forEach((key, v) -> values.put(setting(key), new Value(v, f.toString()))));
        EnvironmentOverrides.read(env).forEach((key, v) -> values.put(setting(key), new Value(v, setting(key).envName())));

        // The server is a separate JVM: the settings given to this one as system properties are handed on, and
        // so are maintainers' switches such as -Dpgeventserv.rawFrames=false.
        Map<String, String> forServer = new LinkedHashMap<>();
        systemProperties.forEach((name, v) -> {
            if (name.startsWith(SWITCH_PREFIX)) {
                forServer.put(name, v);
            }
        });
        systemProperties.forEach((name, v) -> Setting.byKey(name).ifPresent(setting -> {
            String checked;
            try {
                checked = setting.kind() == Setting.Kind.LIST ? v : setting.check(v);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("system property " + name + ": " + e.getMessage());
            }
            values.put(setting, new Value(checked, "system property " + name));
            forServer.put(setting.key(), checked);
        }));

        if (env.containsKey("DATABASE_URL")) {
            values.put(Setting.DB_CONNECTION, new Value(env.get("DATABASE_URL"), "DATABASE_URL"));
        }
        if (debugOption) {
            values.put(Setting.DEBUG, new Value("true", "--debug"));
            forServer.put(Setting.DEBUG.key(), "true");
        }
        file.ifPresent(f -> forServer.put(ConfigFile.PROPERTY, f.toString()));
        return new Settings(values, forServer);
    }

    private static Setting setting(String key) {
        return Setting.byKey(key).orElseThrow();
    }

    Optional<String> get(Setting setting) {
        return Optional.ofNullable(values.get(setting)).map(Value::value);
    }

    String source(Setting setting) {
        return Optional.ofNullable(values.get(setting)).map(Value::source).orElse("unset");
    }

    int number(Setting setting) {
        return Integer.parseInt(get(setting).orElseThrow());
    }

    boolean flag(Setting setting) {
        return Boolean.parseBoolean(get(setting).orElse("false"));
    }

    /** The system properties the server JVM gets, so its MicroProfile Config sees what this one saw. */
    Map<String, String> forServer() {
        return forServer;
    }
}
