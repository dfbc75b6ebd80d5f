package pgeventserv.fanout.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonException;
import java.io.StringReader;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The one-pass reader: what it takes for JSON (what a real parser takes), what it records, and what it does not. */
class JsonScannerTest {

    private final JsonScanner scanner = new JsonScanner();
    private final Values values = new Values();

    private boolean read(String payload, Paths paths) {
        return scanner.read(payload, paths, values);
    }

    /** Parsson's streaming parser, to the end (its reader stops after the first value and takes "1 2"). */
    private static boolean parssonReads(String text) {
        try (var parser = Json.createParser(new StringReader(text))) {
            int events = 0;
            while (parser.hasNext()) {
                parser.next();
                events++;
            }
            return events > 0;
        } catch (JsonException | IllegalStateException | java.util.NoSuchElementException e) {
            return false;
        }
    }

    private static Paths paths(String... dotted) {
        Paths paths = new Paths();
        for (String path : dotted) {
            paths.acquire(path.split("\\."));
        }
        return paths;
    }

    @Test
    void takesForJsonWhatParssonTakes() {
        List<String> texts = List.of("{}", "[]", "0", "-0", "1.5e-3", "\"x\"", "true", "null", " {\"a\" : [1, {}]} ",
                "{\"a\":1,\"a\":2}", "[1,2,3]", "\"\\ud83d\\ude00\"", "\"\\u00E9\\/\\b\\f\\n\\r\\t\"",
                "", " ", "{", "{]", "[1,]", "{\"a\":1,}", "{,}", "[,1]", "01", "1.", ".5", "+1", "1e", "1e+", "-",
                "--1", "0x10", "NaN", "Infinity", "tru", "nul", "True", "'a'", "{a:1}", "{\"a\" 1}", "{\"a\":}",
                "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"\u0001\"", "\"a\nb\"", "\"unclosed", "[1 2]", "{} {}",
                "1 2", "[1]]", "[[1]", "\"\\\"", "\"\\\\\"", "\u00a0{}", "{}\u00a0", "[1,\n2\r,\t3]");
        for (String text : texts) {
            assertEquals(parssonReads(text), read(text, paths("a")), "'" + text + "'");
        }
    }

    @Test
    void takesForJsonWhatParssonTakesOnRandomAndBrokenPayloads() {
        for (long seed = 1; seed <= 3000; seed++) {
            Random random = new Random(seed);
            String text = Payloads.random(random);
            if (random.nextBoolean()) {
                text = Payloads.mutate(random, text);
            }
            if (text.chars().filter(c -> c == '[' || c == '{').count() <= JsonScanner.MAX_DEPTH) {
                assertEquals(parssonReads(text), read(text, paths("a", "tenant", "a.b")), "seed " + seed + ": " + text);
            }
        }
    }

    @Test
    void asciiHexOnlyInUnicodeEscapes() {
        assertFalse(read("\"\\u\u0663\u0663\u0663\u0663\"", paths("a")), "Arabic-Indic digits are not hex to JSON");
        assertFalse(read("\"\\u\uff10\uff10\uff10\uff10\"", paths("a")), "nor are fullwidth digits");
    }

    @Test
    void nestingBeyondTheLimitStopsReadingWithoutRecursion() {
        assertFalse(read("[".repeat(1_000_000), paths("a")));
        assertFalse(read("{\"a\":".repeat(1_000_000), paths("a.a.a")));
        String limit = "[".repeat(JsonScanner.MAX_DEPTH) + "]".repeat(JsonScanner.MAX_DEPTH);
        assertTrue(read(limit, paths("a")));
        assertFalse(read("[" + limit + "]", paths("a")));
    }

    @Test
    void recordsEachKindOfValueWithItsTypeAndText() {
        Paths paths = new Paths();
        String[] keys = {"s", "n", "t", "f", "z", "o", "a", "missing"};
        Paths.Node[] nodes = new Paths.Node[keys.length];
        for (int i = 0; i < keys.length; i++) {
            nodes[i] = paths.acquire(new String[] {keys[i]});
        }
        assertTrue(read("{\"s\":\"a\\u0062c\",\"n\":-1.50e2,\"t\":true,\"f\":false,\"z\":null,\"o\":{},\"a\":[1]}",
                paths));
        byte[] types = {Values.STRING, Values.NUMBER, Values.TRUE, Values.FALSE, Values.NULL, Values.OBJECT,
            Values.ARRAY, Values.MISSING};
        for (int i = 0; i < keys.length; i++) {
            assertEquals(types[i], values.type(nodes[i].id), keys[i]);
        }
        assertEquals("abc", text(nodes[0]));
        assertEquals("-1.50e2", text(nodes[1]));
        assertEquals("-15e3", new String(values.chars(), values.numberFrom(nodes[1].id),
                values.numberLength(nodes[1].id)));
        assertEquals("true", text(nodes[2]));
        assertEquals("false", text(nodes[3]));
    }

    private String text(Paths.Node node) {
        return new String(values.chars(), values.textFrom(node.id), values.textLength(node.id));
    }

    @Test
    void megabyteValueOffThePathsIsCheckedButNotCopied() {
        String big = "x".repeat(1 << 20);
        assertTrue(read("{\"big\":\"" + big + "\",\"inner\":{\"big\":\"" + big + "\",\"b\":1},\"tenant\":7}",
                paths("tenant", "inner.b")));
        assertTrue(values.free() < 100, "copied " + values.free() + " characters");
        assertFalse(read("{\"big\":\"" + big + "\u0001\",\"tenant\":7}", paths("tenant")));
    }

    @Test
    void previousPayloadsValuesDoNotLinger() {
        Paths paths = paths("tenant");
        Paths.Node tenant = paths.acquire(new String[] {"tenant"});
        assertTrue(read("{\"tenant\":7}", paths));
        assertEquals(Values.NUMBER, values.type(tenant.id));
        assertTrue(read("{\"other\":7}", paths));
        assertEquals(Values.MISSING, values.type(tenant.id));
        assertTrue(read("{\"tenant\":7}", paths));
        assertFalse(read("{\"tenant\":7", paths));
        assertEquals(Values.MISSING, values.type(tenant.id), "a payload that turns out broken records nothing");
    }

    @Test
    void largeBufferIsLetGoAfterThePayloadThatGrewIt() {
        Paths paths = paths("s");
        read("{\"s\":\"" + "x".repeat(1 << 20) + "\"}", paths);
        assertTrue(values.chars().length >= 1 << 20);
        values.end();
        assertTrue(values.chars().length < 1 << 16);
    }
}
