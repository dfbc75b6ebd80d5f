package pgeventserv.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.annotation.Gauge;
import org.junit.jupiter.api.Test;

/**
 * docs/operations.md explains every metric an operator scrapes: its table must name each gauge {@link Gauges}
 * declares, as Prometheus shows it, and no metric the server does not have.
 */
class MetricsPageTest {

    private static final Path PAGE = Path.of("docs", "operations.md");
    private static final Pattern NAME = Pattern.compile("`(pg_eventserv_[a-z_]+)");

    @Test
    void theMetricsTableNamesEveryMetricTheServerExportsAndNoOther() throws IOException {
        Set<String> exported = Arrays.stream(Gauges.class.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(Gauge.class))
                .map(MetricsPageTest::exportedName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(exported, documented(), "metrics in docs/operations.md (## Metrics) against Gauges");
    }

    /** The name in Prometheus text: MicroProfile Metrics appends the unit, as {@code _seconds} or {@code _bytes}. */
    private static String exportedName(Method method) {
        Gauge gauge = method.getAnnotation(Gauge.class);
        String unit = switch (gauge.unit()) {
            case MetricUnits.SECONDS -> "_seconds";
            case MetricUnits.BYTES -> "_bytes";
            default -> "";
        };
        return gauge.name().endsWith(unit) ? gauge.name() : gauge.name() + unit;
    }

    /** Metric names in the first cell of the rows under "## Metrics". */
    private static Set<String> documented() throws IOException {
        Set<String> names = new TreeSet<>();
        boolean inSection = false;
        for (String line : Files.readAllLines(PAGE)) {
            if (line.startsWith("## ")) {
                inSection = line.equals("## Metrics");
            } else if (inSection && line.startsWith("| `pg_eventserv_")) {
                Matcher m = NAME.matcher(line.split(" \\| ")[0]);
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }
}
