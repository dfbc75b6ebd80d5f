package pgeventserv.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docs/architecture.md's class map has one line per class of the core packages: a class added without its line, or
 * a line left for a class that is gone, fails here.
 */
class ClassMapTest {

    private static final Path PAGE = Path.of("docs", "architecture.md");
    private static final Path SOURCES = Path.of("war", "src", "main", "java");

    @ParameterizedTest
    @ValueSource(strings = {"pgeventserv.fanout", "pgeventserv.fanout.filter", "pgeventserv.postgres"})
    void theClassMapListsEveryClassOfThePackageAndNoOther(String pkg) throws IOException {
        assertEquals(classesOf(pkg), mapped(pkg), "docs/architecture.md, ### " + pkg + ", against " + SOURCES);
    }

    private static Set<String> classesOf(String pkg) throws IOException {
        try (Stream<Path> files = Files.list(SOURCES.resolve(pkg.replace('.', '/')))) {
            return files.map(f -> f.getFileName().toString())
                    .filter(name -> name.endsWith(".java") && !name.equals("package-info.java"))
                    .map(name -> name.substring(0, name.length() - ".java".length()))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** The first cells of the table under the heading {@code ### pkg}. */
    private static Set<String> mapped(String pkg) throws IOException {
        List<String> lines = Files.readAllLines(PAGE);
        Set<String> names = new TreeSet<>();
        boolean inSection = false;
        for (String line : lines) {
            if (line.startsWith("#")) {
                inSection = line.equals("### " + pkg);
            } else if (inSection && line.startsWith("| `")) {
                names.add(line.substring(3, line.indexOf('`', 3)));
            }
        }
        return names;
    }
}
