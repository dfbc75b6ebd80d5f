package pgeventserv.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md is the users' reference of every setting: its table must name each {@link Setting}, with its
 * {@code ES_} variable and default, and nothing else, so a setting cannot be added, renamed or given another default
 * without the page saying so.
 */
class ConfigurationPageTest {

    private static final Path PAGE = Path.of("docs", "configuration.md");

    @Test
    void thePageHasARowForEverySettingAndNoOther() throws IOException {
        Map<String, List<String>> rows = settingRows();
        TreeSet<String> declared = Arrays.stream(Setting.values()).map(Setting::key)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(declared, new TreeSet<>(rows.keySet()), "keys in docs/configuration.md against Setting");
    }

    @Test
    void everyRowGivesTheEnvironmentVariable() throws IOException {
        Map<String, List<String>> rows = settingRows();
        for (Setting s : Setting.values()) {
            List<String> cells = rows.get(s.key());
            assertTrue(cells != null && cells.get(1).contains("`" + s.envName() + "`"),
                    s.key() + ": its row must name `" + s.envName() + "`");
        }
    }

    @Test
    void everyRowGivesTheDefaultOrSaysUnset() throws IOException {
        Map<String, List<String>> rows = settingRows();
        for (Setting s : Setting.values()) {
            List<String> cells = rows.get(s.key());
            String shown = cells == null ? "" : cells.get(2);
            if (s.defaultValue().isPresent()) {
                assertTrue(shown.startsWith("`" + s.defaultValue().get() + "`"),
                        s.key() + ": its default must read `" + s.defaultValue().get() + "`, not " + shown);
            } else {
                assertTrue(shown.startsWith("unset") || shown.startsWith("libpq"),
                        s.key() + " has no default: its row must say what unset means, not " + shown);
            }
        }
    }

    /** The rows of the table "Every setting": first cell a key in backquotes, mapped to all its cells. */
    private static Map<String, List<String>> settingRows() throws IOException {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        boolean inTable = false;
        for (String line : Files.readAllLines(PAGE)) {
            if (line.startsWith("## ")) {
                inTable = line.equals("## Every setting");
            } else if (inTable && line.startsWith("| `")) {
                List<String> cells = Arrays.stream(line.substring(1, line.length() - 1).split(" \\| "))
                        .map(String::trim).collect(Collectors.toList());
                String key = cells.get(0).replace("`", "");
                assertEquals(4, cells.size(), "row " + key + " needs key, environment, default, meaning");
                assertTrue(rows.put(key, cells) == null, "row " + key + " appears twice");
            }
        }
        return rows;
    }
}
