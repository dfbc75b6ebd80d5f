package pgeventserv.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README and docs/ are for users and must stay true on their own: every relative link (and its anchor) leads
 * somewhere, the README stays a front page, and nothing outside docs/benchmarks.md reads like a lab notebook
 * (dates, times of day, load averages, "the build before", issue numbers). Files only, no network.
 */
class DocsTest {

    private static final Path README = Path.of("README.md");
    private static final Path DOCS = Path.of("docs");
    /** The one page with dated, measured results. */
    private static final Path BENCHMARKS = DOCS.resolve("benchmarks.md");

    private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6} (.+)$");
    private static final List<Pattern> NOTEBOOK = List.of(
            Pattern.compile("\\b20\\d\\d-\\d\\d-\\d\\d\\b"),
            Pattern.compile("\\b\\d{1,2}:\\d\\d(-\\d{1,2}:\\d\\d)? UTC\\b"),
            Pattern.compile("(?i)load average"),
            Pattern.compile("(?i)the build before"),
            Pattern.compile("(?i)\\bissues? \\d+"));

    @Test
    void everyRelativeLinkInTheReadmeAndDocsResolvesToAFileAndHeading() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path page : pages(true)) {
            for (String target : links(page)) {
                if (target.matches("^[a-z]+:.*")) {
                    continue;
                }
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path resolved = file.isEmpty() ? page : page.resolveSibling(file).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(page + ": " + target + " (no file " + resolved + ")");
                } else if (hash >= 0 && resolved.toString().endsWith(".md")
                        && !anchors(resolved).contains(target.substring(hash + 1))) {
                    broken.add(page + ": " + target + " (no heading #" + target.substring(hash + 1) + ")");
                }
            }
        }
        assertEquals(List.of(), broken);
    }

    @Test
    void everyDocsPageCanBeReachedFromTheReadme() throws IOException {
        Set<Path> reached = new HashSet<>();
        List<Path> next = new ArrayList<>(List.of(README));
        while (!next.isEmpty()) {
            Path page = next.remove(next.size() - 1);
            if (!reached.add(page)) {
                continue;
            }
            for (String target : links(page)) {
                String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
                if (file.endsWith(".md") && !target.matches("^[a-z]+:.*")) {
                    Path linked = page.resolveSibling(file).normalize();
                    if (Files.exists(linked)) {
                        next.add(linked);
                    }
                }
            }
        }
        for (Path page : pages(false)) {
            assertTrue(reached.contains(page), page + " cannot be reached by links from README.md");
        }
    }

    @Test
    void theReadmeIsAFrontPageUnderThreeHundredLines() throws IOException {
        long lines = Files.readAllLines(README).size();
        assertTrue(lines < 300, "README.md has " + lines + " lines: move detail to a docs/ page");
    }

    @Test
    void noPageButTheBenchmarksHoldsDatesLoadAveragesOrIssueNumbers() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path page : pages(true)) {
            if (page.equals(BENCHMARKS)) {
                continue;
            }
            List<String> lines = Files.readAllLines(page);
            for (int i = 0; i < lines.size(); i++) {
                // A link may point at a dated heading of the benchmarks: only the text counts.
                String text = lines.get(i).replaceAll("\\]\\([^)]*\\)", "]()");
                for (Pattern p : NOTEBOOK) {
                    Matcher m = p.matcher(text);
                    if (m.find()) {
                        found.add(page + ":" + (i + 1) + ": '" + m.group() + "'");
                    }
                }
            }
        }
        assertEquals(List.of(), found, "dated or diary-like text belongs in docs/benchmarks.md");
    }

    /** README.md, CONTRIBUTING.md (when asked) and every page in docs/. */
    private static List<Path> pages(boolean withContributing) throws IOException {
        List<Path> pages = new ArrayList<>();
        pages.add(README);
        if (withContributing) {
            pages.add(Path.of("CONTRIBUTING.md"));
        }
        try (Stream<Path> docs = Files.list(DOCS)) {
            pages.addAll(docs.filter(p -> p.toString().endsWith(".md")).sorted().collect(Collectors.toList()));
        }
        return pages;
    }

    /** Link targets outside fenced code blocks and inline code. */
    private static List<String> links(Path page) throws IOException {
        List<String> targets = new ArrayList<>();
        boolean fenced = false;
        for (String line : Files.readAllLines(page)) {
            if (line.stripLeading().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                continue;
            }
            Matcher m = LINK.matcher(line.replaceAll("`[^`]*`", "``"));
            while (m.find()) {
                targets.add(m.group(1));
            }
        }
        return targets;
    }

    /** The anchors GitHub makes of a page's headings: lower case, punctuation dropped, spaces as hyphens. */
    static Set<String> anchors(Path page) throws IOException {
        Set<String> anchors = new HashSet<>();
        boolean fenced = false;
        for (String line : Files.readAllLines(page)) {
            if (line.stripLeading().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            Matcher m = HEADING.matcher(line);
            if (!fenced && m.matches()) {
                anchors.add(m.group(1).trim().toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N} _-]", "")
                        .replace(' ', '-'));
            }
        }
        return anchors;
    }
}
