import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Prints what a PIT run's mutations.xml says: per class, per package and overall, the mutants killed of all made
 * (the mutation score) and of those some test ran (the test strength). Run by scripts/mutation:
 *   java scripts/MutationScore.java war/target/pit-reports/mutations.xml
 */
public class MutationScore {

    /** Mutants of one class or package: made, killed (PIT's "detected": killed or timed out), covered by a test. */
    static final class Count {
        int total;
        int killed;
        int covered;

        void add(boolean detected, String status) {
            total++;
            if (detected) {
                killed++;
            }
            if (!"NO_COVERAGE".equals(status)) {
                covered++;
            }
        }

        String line(String name) {
            return String.format(Locale.ROOT, "%-44s %5d/%-5d %4s  strength %4s", name, killed, total,
                    percent(killed, total), percent(killed, covered));
        }

        private static String percent(int part, int whole) {
            return whole == 0 ? "-" : Math.round(100.0 * part / whole) + "%";
        }
    }

    public static void main(String[] args) throws Exception {
        NodeList mutations = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(Path.of(args.length > 0 ? args[0] : "war/target/pit-reports/mutations.xml").toFile())
                .getElementsByTagName("mutation");
        Map<String, Count> classes = new TreeMap<>();
        Map<String, Count> packages = new TreeMap<>();
        Count all = new Count();
        for (int i = 0; i < mutations.getLength(); i++) {
            Element m = (Element) mutations.item(i);
            boolean detected = Boolean.parseBoolean(m.getAttribute("detected"));
            String status = m.getAttribute("status");
            String mutated = m.getElementsByTagName("mutatedClass").item(0).getTextContent();
            // Nested and anonymous classes count with the class they are part of.
            String owner = mutated.contains("$") ? mutated.substring(0, mutated.indexOf('$')) : mutated;
            classes.computeIfAbsent(owner, k -> new Count()).add(detected, status);
            packages.computeIfAbsent(owner.substring(0, owner.lastIndexOf('.')), k -> new Count()).add(detected, status);
            all.add(detected, status);
        }
        System.out.println("mutation score (killed/made) and test strength (killed/covered)");
        System.out.println();
        classes.forEach((name, count) -> System.out.println(count.line(name.substring(name.lastIndexOf('.') + 1)
                + " (" + name.substring(0, name.lastIndexOf('.')).replace("pgeventserv.", "") + ")")));
        System.out.println();
        packages.forEach((name, count) -> System.out.println(count.line(name)));
        System.out.println();
        System.out.println(all.line("all"));
    }
}
