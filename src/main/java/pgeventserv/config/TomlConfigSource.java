package pgeventserv.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * {@code pg_eventserv.toml} as a MicroProfile Config source: the file the system property
 * {@value ConfigFile#PROPERTY} names (the launcher sets it from {@code --config}), else the first one
 * found in {@code ./config}, {@code /config}, {@code /etc}. A bad file stops startup with a message naming
 * the file, the line and the key. Ordinal 200: below the {@code ES_} variables (250), above defaults.
 */
public class TomlConfigSource implements ConfigSource {

    static final int ORDINAL = 200;

    private final String name;
    private final Map<String, String> properties;

    public TomlConfigSource() {
        this(Optional.ofNullable(System.getProperty(ConfigFile.PROPERTY)), ConfigFile.SEARCH);
    }

    TomlConfigSource(Optional<String> named, List<Path> searchDirs) {
        Optional<Path> file = ConfigFile.locate(named, searchDirs);
        this.name = ConfigFile.NAME + file.map(f -> " (" + f + ")").orElse(" (none found)");
        this.properties = file.map(ConfigFile::read).map(Map::copyOf).orElse(Map.of());
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
        return name;
    }

    @Override
    public int getOrdinal() {
        return ORDINAL;
    }
}
