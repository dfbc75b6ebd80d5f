package pgeventserv.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code pg_eventserv.toml} as a MicroProfile Config source: the file the system property
 * {@value ConfigFile#PROPERTY} names (the launcher sets it from {@code --config}), else the first one
 * found in {@code ./config}, {@code /config}, {@code /etc}. A bad file stops startup with a message naming
 * the file, the line and the key. Its ordinal is {@link SettingSource#FILE}'s.
 */
public class TomlConfigSource extends MapConfigSource {

    static final int ORDINAL = SettingSource.FILE.configOrdinal();

    public TomlConfigSource() {
        this(Optional.ofNullable(System.getProperty(ConfigFile.PROPERTY)), ConfigFile.SEARCH);
    }

    TomlConfigSource(Optional<String> named, List<Path> searchDirs) {
        this(ConfigFile.locate(named, searchDirs));
    }

    private TomlConfigSource(Optional<Path> file) {
        super(ConfigFile.NAME + file.map(f -> " (" + f + ")").orElse(" (none found)"), ORDINAL,
                file.map(ConfigFile::read).orElse(Map.of()));
    }
}
