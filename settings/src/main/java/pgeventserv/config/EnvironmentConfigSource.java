package pgeventserv.config;

import java.util.Map;

/**
 * The {@code ES_} variables ({@link EnvironmentOverrides}) as a MicroProfile Config source. A value a key
 * cannot take stops startup, naming the variable. Ordinal 250: above the TOML file, below system
 * properties (400) and the standard environment (300).
 */
public class EnvironmentConfigSource extends MapConfigSource {

    static final int ORDINAL = 250;

    public EnvironmentConfigSource() {
        this(System.getenv());
    }

    EnvironmentConfigSource(Map<String, String> environment) {
        super("ES_ environment variables", ORDINAL, EnvironmentOverrides.read(environment));
    }
}
