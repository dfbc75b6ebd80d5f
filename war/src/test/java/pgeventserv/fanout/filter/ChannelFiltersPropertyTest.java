package pgeventserv.fanout.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The indexed engine against the reference: random filters (rendered to text with random quoting, so the parser is
 * checked too) over random payloads (nested, escaped, repeated keys, numbers in every spelling, arrays, non-objects,
 * broken JSON, too deep), subscribers coming and going; every payload's matches must be exactly the reference's.
 * Seeded: a failure names its seed, and {@code -Dfilter.seed=N} replays that one.
 */
class ChannelFiltersPropertyTest {

    private static final int SEEDS = 60;
    private static final int SUBSCRIBERS = 40;
    private static final int PAYLOADS = 250;

    static final String[] KEYS = {"a", "b", "tenant", "new", "x.y", "k=v", "", "q\"t", "ключ", "😀", "a b", "b\\s"};
    static final String[] STRINGS = {"", "a", "b", "A", "ab", "5", "5.0", "10", "9", "-3", "1e3", "abc", "a,b", "x(1)",
        "say \"hi\"", "名前", "😀", "\uFFFF", "\uE000", "true", "false", "null", "a*b", "a_c", "a\\b", "tab\there",
        "line\nfeed"};
    static final String[] NUMBERS = {"0", "-0", "5", "5.0", "50e-1", "0.5e1", "10", "9", "-3", "-3.0", "1e3", "1000",
        "1E3", "1", "1.5", "12", "125", "-12.5", "-1.5e-2", "9007199254740993", "9007199254740992",
        "1e9999999999999999", "0.000",
        "123456789012345678901234567890"};
    static final String[] NOT_NUMBERS = {"05", "+5", ".5", "5.", "true", "false"};
    static final String[] LIKE_LITERALS = {"a", "b", "5", "1", "😀", "x.y", "_", "*", "e", "名"};
    static final String[] OPERATORS = {"eq", "eq", "eq", "in", "in", "neq", "lt", "lte", "gt", "gte", "nin", "like",
        "is", "ex"};

    @Test
    void indexedMatchingAgreesWithTheReferenceEvaluator() {
        String only = System.getProperty("filter.seed");
        if (only != null) {
            run(Long.parseLong(only));
            return;
        }
        for (long seed = 1; seed <= SEEDS; seed++) {
            run(seed);
        }
    }

    private static void run(long seed) {
        Random random = new Random(seed);
        ChannelFilters<Integer> filters = new ChannelFilters<>();
        Map<Integer, List<ReferenceCondition>> reference = new HashMap<>();
        Map<Integer, Filter> parsed = new HashMap<>();
        Map<Integer, String> texts = new HashMap<>();
        int nextId = 0;
        for (; nextId < SUBSCRIBERS; nextId++) {
            subscribe(random, nextId, filters, reference, parsed, texts);
        }
        for (int p = 0; p < PAYLOADS; p++) {
            if (p % 25 == 24) {
                List<Integer> ids = new ArrayList<>(reference.keySet());
                for (int k = 0; k < 5 && !ids.isEmpty(); k++) {
                    Integer gone = ids.remove(random.nextInt(ids.size()));
                    filters.remove(gone);
                    reference.remove(gone);
                    parsed.remove(gone);
                }
                for (int k = 0; k < 4; k++) {
                    subscribe(random, nextId++, filters, reference, parsed, texts);
                }
                if (!ids.isEmpty()) { // a filter replaced
                    subscribe(random, ids.get(random.nextInt(ids.size())), filters, reference, parsed, texts);
                }
            }
            String payload = Payloads.random(random);
            Object tree = NaiveJson.parse(payload);
            TreeSet<Integer> expected = new TreeSet<>();
            reference.forEach((id, conditions) -> {
                if (conditions.stream().allMatch(c -> c.holds(tree))) {
                    expected.add(id);
                }
            });
            List<Integer> got = new ArrayList<>();
            filters.forEachMatch(payload, got::add);
            TreeSet<Integer> actual = new TreeSet<>(got);
            if (actual.size() != got.size() || !actual.equals(expected)) {
                fail(report(seed, payload, tree, expected, got, texts));
            }
            int someone = List.copyOf(reference.keySet()).get(random.nextInt(reference.size()));
            assertEquals(expected.contains(someone), filters.matches(someone, payload),
                    () -> "seed " + seed + ": matches(" + texts.get(someone) + ", " + payload + ")");
            assertEquals(expected.contains(someone), parsed.get(someone).matches(payload),
                    () -> "seed " + seed + ": Filter.matches(" + texts.get(someone) + ", " + payload + ")");
        }
    }

    private static void subscribe(Random random, int id, ChannelFilters<Integer> filters,
            Map<Integer, List<ReferenceCondition>> reference, Map<Integer, Filter> parsed, Map<Integer, String> texts) {
        int count = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(3);
        List<ReferenceCondition> conditions = new ArrayList<>();
        List<String> rendered = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            ReferenceCondition c = condition(random);
            conditions.add(c);
            rendered.add(c.render(random));
        }
        Filter filter;
        try {
            filter = Filter.parse(rendered, 10);
        } catch (FilterException e) {
            throw new AssertionError("rendered " + rendered + " from " + conditions + ": " + e.getMessage(), e);
        }
        filters.add(id, filter);
        reference.put(id, conditions);
        parsed.put(id, filter);
        texts.put(id, rendered.toString());
    }

    static ReferenceCondition condition(Random random) {
        List<String> path = new ArrayList<>();
        for (int k = 0, n = 1 + (random.nextInt(4) == 0 ? random.nextInt(3) : 0); k < n; k++) {
            path.add(random.nextInt(3) == 0 ? pick(random, KEYS) : pick(random, KEYS, 4));
        }
        String op = pick(random, OPERATORS);
        boolean negated = random.nextInt(5) == 0;
        return switch (op) {
            case "in", "nin" -> {
                List<String> list = new ArrayList<>();
                for (int k = 0, n = random.nextInt(5); k < n; k++) {
                    list.add(operand(random));
                }
                yield new ReferenceCondition(path, op, negated, null, list, null);
            }
            case "like" -> {
                List<String> tokens = new ArrayList<>();
                for (int k = 0, n = 1 + random.nextInt(4); k < n; k++) {
                    int kind = random.nextInt(5);
                    tokens.add(kind == 0 ? (random.nextBoolean() ? "*" : "%") : kind == 1 ? "_"
                            : "L" + pick(random, LIKE_LITERALS));
                }
                yield new ReferenceCondition(path, op, negated, null, null, tokens);
            }
            case "is" -> new ReferenceCondition(path, op, negated, pick(random, new String[] {"null", "true", "false"}),
                    null, null);
            case "ex" -> new ReferenceCondition(path, op, negated, random.nextBoolean() ? "true" : "false", null, null);
            default -> new ReferenceCondition(path, op, negated, operand(random), null, null);
        };
    }

    private static String operand(Random random) {
        return switch (random.nextInt(5)) {
            case 0, 1 -> pick(random, STRINGS);
            case 2, 3 -> pick(random, NUMBERS);
            default -> pick(random, NOT_NUMBERS);
        };
    }

    static String pick(Random random, String[] from) {
        return from[random.nextInt(from.length)];
    }

    /** One of the first {@code n}: keeps most paths on the keys payloads use most. */
    static String pick(Random random, String[] from, int n) {
        return from[random.nextInt(n)];
    }

    private static String report(long seed, String payload, Object tree, TreeSet<Integer> expected, List<Integer> got,
            Map<Integer, String> texts) {
        StringBuilder out = new StringBuilder("seed " + seed + " (rerun with -Dfilter.seed=" + seed + ")\npayload: "
                + payload + "\nreference tree: " + tree + "\n");
        TreeSet<Integer> all = new TreeSet<>(expected);
        all.addAll(got);
        for (Integer id : all) {
            boolean e = expected.contains(id);
            long g = got.stream().filter(id::equals).count();
            if (!e || g != 1) {
                out.append("subscriber ").append(id).append(' ').append(texts.get(id)).append(": expected ")
                        .append(e ? "a match" : "no match").append(", delivered ").append(g).append(" time(s)\n");
            }
        }
        return out.toString();
    }
}
