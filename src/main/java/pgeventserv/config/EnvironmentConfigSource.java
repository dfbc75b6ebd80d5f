package pgeventserv.config;

import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The {@code ES_} variables ({@link EnvironmentOverrides}) as a MicroProfile Config source. A value a key
 * cannot take stops startup, naming the variable. Ordinal 250: above the TOML file, below system
 * properties (400) and the standard environment (300).
 */
public class EnvironmentConfigSource implements ConfigSource {

    static final int ORDINAL = 250;

    private final Map<String, String> properties;

    public EnvironmentConfigSource() {
        this(System.getenv());
    }

    EnvironmentConfigSource(Map<String, String> environment) {
        this.properties = EnvironmentOverrides.read(environment);
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
