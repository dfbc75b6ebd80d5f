package pgeventserv.config;

import java.util.Map;

/**
 * The {@code ES_} variables ({@link EnvironmentOverrides}) as a MicroProfile Config source. A value a key
 * cannot take stops startup, naming the variable. Its ordinal ({@link SettingSource#ES_VARIABLE}) is above the
 * server's plain environment source, so {@code ES_CHANNELS} wins over a stray {@code CHANNELS} as in the original.
 */
public class EnvironmentConfigSource extends MapConfigSource {

    static final int ORDINAL = SettingSource.ES_VARIABLE.configOrdinal();

    public EnvironmentConfigSource() {
        this(System.getenv());
    }

    EnvironmentConfigSource(Map<String, String> environment) {
        super("ES_ environment variables", ORDINAL, EnvironmentOverrides.read(environment));
    }
}
