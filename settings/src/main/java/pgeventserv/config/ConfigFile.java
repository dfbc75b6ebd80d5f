package pgeventserv.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;

/**
 * {@code pg_eventserv.toml}: where it is and what it says. The file is flat, one {@code Key = value} per
 * line, keys case-insensitive as in the original. Anything the server would not use is an error that
 * names the file, the line and the key, so a typo never passes silently.
 *
 * <p>Values come out as MicroProfile Config strings: lists comma-separated (commas inside an item
 * escaped), numbers and booleans as text.
 */
public final class ConfigFile {

    public static final String NAME = "pg_eventserv.toml";
    /** The system property the launcher sets so that the server reads the file the command line named. */
    public static final String PROPERTY = "pgeventserv.config";
    /** Searched in order when no file is named: as the original, {@code ./config}, {@code /config}, {@code /etc}. */
    public static final List<Path> SEARCH = List.of(Path.of("config"), Path.of("/config"), Path.of("/etc"));

    private ConfigFile() {
    }

    /** The named file (which must exist), else the first {@value #NAME} in the search directories. */
    public static Optional<Path> locate(Optional<String> named, List<Path> searchDirs) {
        if (named.isPresent()) {
            Path file = Path.of(named.get()).toAbsolutePath();
            if (!Files.exists(file)) {
                throw new IllegalArgumentException(file + ": no such configuration file");
            }
            return Optional.of(file);
        }
        return searchDirs.stream().map(dir -> dir.resolve(NAME)).filter(Files::exists).findFirst().map(Path::toAbsolutePath);
    }

    /** Every key of the file, by its canonical name. */
    public static Map<String, String> read(Path file) {
        TomlParseResult toml;
        try {
            toml = Toml.parse(file);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(file + ": cannot be read: " + e);
        }
        if (toml.hasErrors()) {
            throw new IllegalArgumentException(toml.errors().stream()
                    .map(error -> file + ": line " + error.position().line() + ": " + error.getMessage())
                    .collect(Collectors.joining("\n")));
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : toml.keySet()) {
            String where = file + ": line " + line(toml.inputPositionOf(key)) + ": ";
            Setting setting = Setting.byKey(key).orElseThrow(() -> new IllegalArgumentException(where
                    + "unknown key '" + key + "'" + closest(key).map(s -> " (did you mean " + s.key() + "?)")
                    .orElse("; pg_eventserv --help lists the keys")));
            if (values.containsKey(setting.key())) {
                throw new IllegalArgumentException(where + "'" + key + "' sets " + setting.key() + " a second time");
            }
            try {
                value(setting, toml.get(key)).ifPresent(v -> values.put(setting.key(), v));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + e.getMessage());
            }
        }
        return values;
    }

    /** The value in MicroProfile Config form; empty when it means unset ({@link Setting#read}). */
    private static Optional<String> value(Setting setting, Object value) {
        if (setting.kind() == Setting.Kind.LIST) {
            if (value instanceof String text) {
                return Optional.of(setting.checkList(Arrays.asList(text.trim().split("\\s+"))));
            }
            if (value instanceof TomlArray array && strings(array)) {
                List<String> items = new ArrayList<>();
                for (int i = 0; i < array.size(); i++) {
                    items.add(array.getString(i));
                }
                return Optional.of(setting.checkList(items));
            }
            throw wrongType(setting, value, "a list of strings, such as [\"people\", \"orders_*\"]");
        }
        boolean fits = switch (setting.kind()) {
            case PORT, COUNT, COUNT_OR_OFF -> value instanceof Long || value instanceof String;
            case FLAG -> value instanceof Boolean || value instanceof String;
            default -> value instanceof String;
        };
        if (!fits) {
            String expected = switch (setting.kind()) {
                case PORT, COUNT, COUNT_OR_OFF -> "a whole number";
                case FLAG -> "true or false";
                case DURATION -> "a duration in quotes, such as \"90s\"";
                default -> "a string in quotes";
            };
            throw wrongType(setting, value, expected);
        }
        return setting.read(value.toString());
    }

    private static boolean strings(TomlArray array) {
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof String)) {
                return false;
            }
        }
        return true;
    }

    private static IllegalArgumentException wrongType(Setting setting, Object value, String expected) {
        String shown = value instanceof TomlArray array ? array.toJson().replaceAll("\\s+", " ") : String.valueOf(value);
        return new IllegalArgumentException(setting.key() + " must be " + expected + ", not " + shown);
    }

    /** The key a typo most likely meant: at most two letters added, dropped or changed. */
    private static Optional<Setting> closest(String key) {
        return Arrays.stream(Setting.values())
                .filter(s -> distance(key.toLowerCase(Locale.ROOT), s.key().toLowerCase(Locale.ROOT)) <= 2)
                .findFirst();
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int change = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + change);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static int line(TomlPosition position) {
        return position == null ? 0 : position.line();
    }
}
