package pgeventserv.config;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The original's environment overrides: {@code ES_HTTPPORT=7777} sets {@code HttpPort}. Lists
 * ({@code ES_CHANNELS}, {@code ES_CORSORIGINS}) are whitespace separated, as in the original; they become
 * MicroProfile Config lists. Read by the server ({@link EnvironmentConfigSource}) and the launcher alike.
 */
public final class EnvironmentOverrides {

    private EnvironmentOverrides() {
    }

    /**
     * The settings the environment holds, by canonical key, in MicroProfile Config form.
     *
     * @throws IllegalArgumentException naming the variable, when a value cannot be what its key needs
     */
    public static Map<String, String> read(Map<String, String> environment) {
        Map<String, String> found = new HashMap<>();
        for (Setting setting : Setting.values()) {
            String value = environment.get(setting.envName());
            // As the original (viper ignores empty variables): ES_URLBASE= is no setting at all.
            if (value != null && !value.isEmpty()) {
                try {
                    if (setting.kind() == Setting.Kind.LIST) {
                        found.put(setting.key(), setting.checkList(Arrays.asList(value.trim().split("\\s+"))));
                    } else {
                        setting.read(value).ifPresent(v -> found.put(setting.key(), v));
                    }
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(setting.envName() + ": " + e.getMessage());
                }
            }
        }
        return Map.copyOf(found);
    }
}
