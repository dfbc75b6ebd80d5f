package pgeventserv.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The original's environment overrides: {@code ES_HTTPPORT=7777} sets {@code HttpPort}.
 * {@code ES_CHANNELS} is whitespace separated, as in the original; it becomes a MicroProfile
 * Config list (commas, with commas inside a pattern escaped).
 * Ordinal 250: above the TOML file, below system properties (400) and the standard environment (300).
 */
public class EnvironmentConfigSource implements ConfigSource {

    static final int ORDINAL = 250;

    private final Map<String, String> properties;

    public EnvironmentConfigSource() {
        this(System.getenv());
    }

    EnvironmentConfigSource(Map<String, String> environment) {
        Map<String, String> found = new HashMap<>();
        for (Setting setting : Setting.values()) {
            String value = environment.get(setting.envName());
            if (value != null) {
                found.put(setting.key(), setting == Setting.CHANNELS ? whitespaceListToConfigList(value) : value);
            }
        }
        this.properties = Map.copyOf(found);
    }

    static String whitespaceListToConfigList(String value) {
        return String.join(",", value.trim().replace(",", "\\,").split("\\s+"));
    }

    @Override
    public Map<String, String> getProperties() {
        return properties;
    }

    @Override
    public Set<String> getPropertyNames() {
        return properties.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return properties.get(propertyName);
    }

    @Override
    public String getName() {
        return "ES_ environment variables";
    }

    @Override
    public int getOrdinal() {
        return ORDINAL;
    }
}
