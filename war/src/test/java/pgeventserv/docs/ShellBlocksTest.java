package pgeventserv.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every shell block of docs/ (a fence opened with {@code ```sh}, {@code ```bash}, {@code ```shell} or {@code ```console}) either runs in the tests or says why not, on the
 * line just before its fence: {@code <!-- runs in scripts/test -->} (the launcher's DocShellBlocksIT runs it
 * against a live server) or {@code <!-- not run: REASON -->}. So a new command cannot slip in unchecked.
 * Files only.
 */
class ShellBlocksTest {

    static final String RUNS = "<!-- runs in scripts/test -->";
    private static final Pattern NOT_RUN = Pattern.compile("<!-- not run: \\S.*\\S -->");
    private static final Pattern SHELL_FENCE = Pattern.compile("```(sh|bash|shell|console)\\s*");

    @Test
    void everyShellBlockInTheDocsRunsInTheTestsOrSaysWhyNot() throws IOException {
        List<String> unmarked = new ArrayList<>();
        for (Path page : docs()) {
            List<String> lines = Files.readAllLines(page);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                String before = i == 0 ? "" : lines.get(i - 1).strip();
                boolean shell = SHELL_FENCE.matcher(line.strip()).matches();
                boolean marked = before.equals(RUNS) || NOT_RUN.matcher(before).matches();
                if (shell && !marked) {
                    unmarked.add(page + ":" + (i + 1) + ": put " + RUNS + " or <!-- not run: why --> on the line before");
                }
            }
        }
        assertEquals(List.of(), unmarked);
    }

    @Test
    void everyMarkerStandsRightBeforeAShellBlock() throws IOException {
        List<String> stray = new ArrayList<>();
        for (Path page : docs()) {
            List<String> lines = Files.readAllLines(page);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                boolean marker = line.equals(RUNS) || line.startsWith("<!-- not run:");
                String next = i + 1 < lines.size() ? lines.get(i + 1).strip() : "";
                if (marker && !SHELL_FENCE.matcher(next).matches()) {
                    stray.add(page + ":" + (i + 1) + ": a marker must stand on the line before a ```sh fence");
                }
            }
        }
        assertEquals(List.of(), stray);
    }

    private static List<Path> docs() throws IOException {
        try (Stream<Path> pages = Files.list(Path.of("docs"))) {
            return pages.filter(p -> p.toString().endsWith(".md")).sorted().collect(Collectors.toList());
        }
    }
}
