package pgeventserv.fanout.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What each operator lets through, and every edge of DESIGN §13: numbers against strings, nested paths, unicode
 * and escapes, arrays and objects as values, missing keys, payloads that are not JSON objects, {@code not.}.
 * Each answer is checked twice: a filter alone, and the same filter indexed in a {@link ChannelFilters}.
 */
class FilterTest {

    /** Whether the payload passes the one condition; both ways of testing must agree. */
    static boolean holds(String condition, String payload) {
        Filter filter = Filter.parse(List.of(condition), 10);
        ChannelFilters<String> channel = new ChannelFilters<>();
        channel.add("s", filter);
        List<String> matched = new ArrayList<>();
        channel.forEachMatch(payload, matched::add);
        boolean alone = filter.matches(payload);
        assertEquals(alone, !matched.isEmpty(), () -> condition + " on " + payload + ": alone and indexed differ");
        assertEquals(alone, channel.matches("s", payload));
        return alone;
    }

    private static void assertHolds(String condition, String... payloads) {
        for (String payload : payloads) {
            assertTrue(holds(condition, payload), condition + " should hold on " + payload);
        }
    }

    private static void assertFails(String condition, String... payloads) {
        for (String payload : payloads) {
            assertFalse(holds(condition, payload), condition + " should not hold on " + payload);
        }
    }

    @Test
    void eqMatchesTheSameStringOnly() {
        assertHolds("type=eq.INSERT", "{\"type\":\"INSERT\"}", "{\"type\" : \"INSERT\" , \"x\":1}");
        assertFails("type=eq.INSERT", "{\"type\":\"insert\"}", "{\"type\":\"INSERT \"}", "{\"type\":\"INSERTED\"}");
    }

    @Test
    void eqComparesNumbersAsExactDecimals() {
        assertHolds("n=eq.5", "{\"n\":5}", "{\"n\":5.0}", "{\"n\":5e0}", "{\"n\":50e-1}", "{\"n\":0.5E+1}",
                "{\"n\":5.000000000000000000000000000e0}");
        assertFails("n=eq.5", "{\"n\":5.000000000000000000000000001}", "{\"n\":-5}", "{\"n\":4.9999}");
        assertHolds("n=eq.0", "{\"n\":-0}", "{\"n\":0.000}", "{\"n\":0e99}");
        assertHolds("n=eq.9007199254740993", "{\"n\":9007199254740993}");
        assertFails("n=eq.9007199254740993", "{\"n\":9007199254740992}");
        assertHolds("n=eq.1e400", "{\"n\":10e399}");
        assertFails("n=eq.1e400", "{\"n\":1e399}");
    }

    @Test
    void numbersCompareAsTextWhenEitherSideIsNotANumber() {
        assertHolds("n=eq.5", "{\"n\":\"5\"}");
        assertFails("n=eq.5", "{\"n\":\"5.0\"}", "{\"n\":\" 5\"}");
        assertHolds("n=eq.05", "{\"n\":\"05\"}");
        assertFails("n=eq.05", "{\"n\":5}");
        assertFails("n=eq.+5", "{\"n\":5}");
        assertHolds("n=eq.1e3", "{\"n\":1000}");
        assertFails("n=eq.abc", "{\"n\":5}");
        assertHolds("n=like.1*", "{\"n\":123}", "{\"n\":1e3}");
        assertHolds("n=eq.1E3", "{\"n\":1e3}");
        assertHolds("age=gt.10", "{\"age\":\"9\"}"); // text: "9" sorts after "10"
        assertFails("age=gt.10", "{\"age\":9}");
    }

    @Test
    void numberWithAnExponentTooLongForDecimalsComparesAsWritten() {
        assertHolds("n=eq.1e9999999999999999", "{\"n\":1e9999999999999999}");
        assertFails("n=eq.1e9999999999999999", "{\"n\":10e9999999999999998}");
        assertHolds("n=eq.1e999999999999999", "{\"n\":10e999999999999998}"); // 15 digits: still a number
    }

    @Test
    void orderingOperatorsCompareNumbersAsNumbers() {
        assertHolds("age=gt.10", "{\"age\":11}", "{\"age\":10.5}", "{\"age\":1e2}");
        assertFails("age=gt.10", "{\"age\":10}", "{\"age\":10.0}", "{\"age\":-11}", "{\"age\":9.99}");
        assertHolds("age=gte.10", "{\"age\":10.0}", "{\"age\":11}");
        assertFails("age=gte.10", "{\"age\":9}");
        assertHolds("age=lt.-1.5", "{\"age\":-2}", "{\"age\":-1.51}", "{\"age\":-1e1}");
        assertFails("age=lt.-1.5", "{\"age\":-1.5}", "{\"age\":-1}", "{\"age\":0}");
        assertHolds("age=lte.-1.5", "{\"age\":-1.50}");
        assertHolds("age=lt.0.001", "{\"age\":0.0001}", "{\"age\":-0}");
        assertFails("age=lt.0.001", "{\"age\":0.001}");
    }

    @Test
    void orderingOperatorsCompareTextByCodePoint() {
        assertHolds("s=lt.b", "{\"s\":\"a\"}", "{\"s\":\"B\"}", "{\"s\":\"\"}", "{\"s\":\"azzz\"}");
        assertFails("s=lt.b", "{\"s\":\"b\"}", "{\"s\":\"ba\"}", "{\"s\":\"é\"}");
        assertHolds("s=gte.b", "{\"s\":\"b\"}", "{\"s\":\"ba\"}");
        // U+1F600 (a surrogate pair in UTF-16) sorts after U+FFFF by code point, though not by UTF-16 unit.
        assertFails("s=lt.\uFFFF", "{\"s\":\"😀\"}");
        assertHolds("s=gt.\uFFFF", "{\"s\":\"😀\"}");
        assertHolds("s=gt.\uE000", "{\"s\":\"\\ud83d\\ude00\"}");
    }

    @Test
    void neqHoldsForAnyOtherScalar() {
        assertHolds("tenant=neq.7", "{\"tenant\":8}", "{\"tenant\":\"8\"}", "{\"tenant\":true}");
        assertFails("tenant=neq.7", "{\"tenant\":7}", "{\"tenant\":7.0}", "{\"tenant\":\"7\"}");
    }

    @Test
    void inMatchesAnyListedValueComparedAsEq() {
        assertHolds("tenant=in.(7,8,x)", "{\"tenant\":7}", "{\"tenant\":8.0}", "{\"tenant\":\"x\"}",
                "{\"tenant\":\"8\"}");
        assertFails("tenant=in.(7,8,x)", "{\"tenant\":9}", "{\"tenant\":\"X\"}", "{\"tenant\":\"8.0\"}");
    }

    @Test
    void ninMatchesAScalarNotListed() {
        assertHolds("tenant=nin.(7,8)", "{\"tenant\":9}", "{\"tenant\":\"seven\"}");
        assertFails("tenant=nin.(7,8)", "{\"tenant\":7}", "{\"tenant\":8e0}");
    }

    @Test
    void likeTakesStarAndPercentForAnyRunAndUnderscoreForOneCharacter() {
        assertHolds("s=like.ab*", "{\"s\":\"ab\"}", "{\"s\":\"abc\"}");
        assertHolds("s=like.%ab%", "{\"s\":\"xaby\"}", "{\"s\":\"ab\"}");
        assertFails("s=like.ab*", "{\"s\":\"a\"}", "{\"s\":\"xab\"}", "{\"s\":\"AB\"}");
        assertHolds("s=like.a_c", "{\"s\":\"abc\"}", "{\"s\":\"a😀c\"}");
        assertFails("s=like.a_c", "{\"s\":\"ac\"}", "{\"s\":\"abbc\"}");
        assertHolds("s=like.a\\*c", "{\"s\":\"a*c\"}");
        assertFails("s=like.a\\*c", "{\"s\":\"abc\"}");
        assertHolds("s=like.a\\_c\\%", "{\"s\":\"a_c%\"}");
        assertHolds("s=like.", "{\"s\":\"\"}");
        assertFails("s=like.", "{\"s\":\"x\"}");
        assertHolds("b=like.t*", "{\"b\":true}");
    }

    @Test
    void isTellsNullTrueAndFalseApart() {
        assertHolds("v=is.null", "{\"v\":null}");
        assertFails("v=is.null", "{}", "{\"v\":\"null\"}", "{\"v\":0}", "{\"v\":[]}");
        assertHolds("v=is.true", "{\"v\":true}");
        assertFails("v=is.true", "{\"v\":\"true\"}", "{\"v\":1}", "{\"v\":false}");
        assertHolds("v=is.false", "{\"v\":false}");
        assertFails("v=is.false", "{\"v\":null}", "{\"v\":0}");
    }

    @Test
    void booleansCompareAsTheirText() {
        assertHolds("v=eq.true", "{\"v\":true}", "{\"v\":\"true\"}");
        assertFails("v=eq.true", "{\"v\":false}", "{\"v\":1}");
        assertHolds("v=in.(false)", "{\"v\":false}");
    }

    @Test
    void nullComparesWithNothing() {
        assertFails("v=eq.null", "{\"v\":null}");
        assertFails("v=neq.x", "{\"v\":null}");
        assertFails("v=nin.(x)", "{\"v\":null}");
        assertFails("v=like.*", "{\"v\":null}");
    }

    @Test
    void exTellsWhetherTheKeyExists() {
        assertHolds("v=ex.true", "{\"v\":null}", "{\"v\":[]}", "{\"v\":{}}", "{\"v\":0}");
        assertFails("v=ex.true", "{}", "{\"w\":1}", "[{\"v\":1}]", "not json");
        assertHolds("v=ex.false", "{}", "{\"w\":1}", "[{\"v\":1}]", "\"v\"", "not json", "");
        assertFails("v=ex.false", "{\"v\":null}");
    }

    @Test
    void nestedPathsGoThroughObjects() {
        String payload = "{\"op\":\"UPDATE\",\"new\":{\"age\":42,\"address\":{\"city\":\"Oslo\"}},\"old\":null}";
        assertHolds("new.age=eq.42", payload);
        assertHolds("new.address.city=eq.Oslo", payload);
        assertHolds("new.address=ex.true", payload);
        assertFails("new.address.zip=ex.true", payload);
        assertFails("old.age=ex.true", payload);
        assertFails("op.x=ex.true", payload);
        assertFails("new.age.x=eq.42", payload);
        assertFails("age=eq.42", payload);
    }

    @Test
    void pathsDoNotGoThroughArrays() {
        assertFails("items.0=ex.true", "{\"items\":[1,2]}");
        assertFails("items.id=eq.1", "{\"items\":[{\"id\":1}]}");
    }

    @Test
    void arraysAndObjectsAsValuesAreNeitherEqualNorUnequalToAnything() {
        for (String value : List.of("[1]", "[]", "[\"7\"]", "{}", "{\"7\":7}")) {
            String payload = "{\"v\":" + value + "}";
            for (String condition : List.of("v=eq.7", "v=eq.[1]", "v=neq.7", "v=lt.z", "v=gt.", "v=in.(7,[1])",
                    "v=nin.(7)", "v=like.*", "v=is.null", "v=is.true")) {
                assertFails(condition, payload);
                assertHolds(condition.replace("=", "=not."), payload);
            }
            assertHolds("v=ex.true", payload);
        }
    }

    @Test
    void missingKeyMakesEveryConditionFalseButExFalse() {
        for (String condition : List.of("v=eq.7", "v=neq.7", "v=lt.7", "v=lte.7", "v=gt.7", "v=gte.7", "v=in.(7)",
                "v=nin.(7)", "v=like.*", "v=is.null", "v=is.true", "v=is.false", "v=ex.true")) {
            assertFails(condition, "{\"w\":7}", "{}");
            assertHolds(condition.replace("=", "=not."), "{\"w\":7}", "{}");
        }
        assertHolds("v=ex.false", "{\"w\":7}");
    }

    @Test
    void payloadThatIsNotAJsonObjectHasNoKeys() {
        List<String> payloads = List.of("", "hello", "tenant=7", "7", "\"tenant\"", "[{\"tenant\":7}]", "null",
                "{\"tenant\":7", "{\"tenant\":7}}", "{\"tenant\":7} x", "{'tenant':7}", "{\"tenant\":07}",
                "{tenant:7}", "{\"tenant\":7,}", "{\"tenant\":\"\u0001\"}", "{\"tenant\":\"\\x\"}",
                "{\"tenant\":7}\u0000");
        for (String payload : payloads) {
            assertFails("tenant=eq.7", payload);
            assertFails("tenant=neq.8", payload);
            assertHolds("tenant=not.eq.7", payload);
            assertHolds("tenant=ex.false", payload);
        }
        assertHolds("tenant=eq.7", " \t\r\n{\"tenant\":7}\n ");
    }

    @Test
    void notNegatesEachOperatorExactly() {
        List<String> payloads = List.of("{\"v\":7}", "{\"v\":8}", "{\"v\":\"7\"}", "{\"v\":\"abc\"}", "{\"v\":null}",
                "{\"v\":true}", "{\"v\":[7]}", "{\"v\":{}}", "{}", "[]", "not json");
        for (String condition : List.of("v=eq.7", "v=neq.7", "v=lt.8", "v=lte.7", "v=gt.7", "v=gte.8", "v=in.(7,abc)",
                "v=nin.(7)", "v=like.a*", "v=is.null", "v=is.true", "v=is.false", "v=ex.true", "v=ex.false")) {
            String negated = condition.replace("=", "=not.");
            for (String payload : payloads) {
                assertEquals(!holds(condition, payload), holds(negated, payload), negated + " on " + payload);
            }
        }
    }

    @Test
    void unicodeKeysAndValuesMatchWhetherWrittenOrEscaped() {
        assertHolds("名前=eq.太郎", "{\"名前\":\"太郎\"}", "{\"\\u540d\\u524d\":\"\\u592a\\u90ce\"}");
        assertHolds("😀=eq.😀", "{\"😀\":\"\\ud83d\\ude00\"}", "{\"\\uD83D\\uDE00\":\"😀\"}");
        assertFails("😀=eq.😀", "{\"😀\":\"\\ud83d\"}");
        assertHolds("s=eq.é", "{\"s\":\"\\u00e9\"}");
        assertFails("s=eq.é", "{\"s\":\"e\\u0301\"}"); // no normalization: another spelling is another text
    }

    @Test
    void escapedCharactersInPayloadStringsAreDecodedBeforeComparing() {
        assertHolds("s=eq.a\"b", "{\"s\":\"a\\\"b\"}");
        assertHolds("s=eq.a/b", "{\"s\":\"a\\/b\"}");
        assertHolds("s=eq.a\\b", "{\"s\":\"a\\\\b\"}");
        assertHolds("s=eq.a\nb\tc", "{\"s\":\"a\\nb\\tc\"}", "{\"s\":\"a\\u000ab\\u0009c\"}");
        assertHolds("a.b=eq.1", "{\"\\u0061\":{\"\\u0062\":1}}");
    }

    @Test
    void repeatedKeyCountsItsLastValueAsPostgresqlDoes() {
        assertHolds("tenant=eq.8", "{\"tenant\":7,\"tenant\":8}");
        assertFails("tenant=eq.7", "{\"tenant\":7,\"tenant\":8}");
        assertFails("a.b=eq.1", "{\"a\":{\"b\":1},\"a\":{\"c\":2}}");
        assertFails("a.b=ex.true", "{\"a\":{\"b\":1},\"a\":5}");
        assertHolds("a.b=eq.2", "{\"a\":{\"b\":1},\"a\":{\"b\":2}}", "{\"a\":{\"b\":1,\"b\":2}}");
        assertHolds("a.b=eq.1", "{\"a\":5,\"a\":{\"b\":1}}");
    }

    @Test
    void nestingUpToTheLimitIsReadAndDeeperIsNotJson() {
        assertHolds("tenant=eq.7", nested(JsonScanner.MAX_DEPTH - 1));
        assertFails("tenant=eq.7", nested(JsonScanner.MAX_DEPTH));
        assertHolds("tenant=not.eq.7", nested(JsonScanner.MAX_DEPTH));
    }

    /** {"tenant":7,"a":...} with {@code inner} more levels of objects and arrays below the outer object. */
    static String nested(int inner) {
        StringBuilder out = new StringBuilder("{\"tenant\":7,\"a\":");
        for (int i = 0; i < inner; i++) {
            out.append(i % 2 == 0 ? "[" : "{\"k\":");
        }
        out.append("1");
        for (int i = inner - 1; i >= 0; i--) {
            out.append(i % 2 == 0 ? "]" : "}");
        }
        return out.append("}").toString();
    }

    @Test
    void megabytePayloadNestedAThousandLevelsIsSafelyNotMatched() {
        String deep = "[".repeat(1000) + "]".repeat(1000);
        StringBuilder payload = new StringBuilder("{\"tenant\":7,\"filler\":\"");
        payload.append("x".repeat((1 << 20) - 2000 - 40)).append("\",\"deep\":").append(deep).append("}");
        assertFails("tenant=eq.7", payload.toString());
        assertHolds("tenant=not.eq.7", payload.toString());
        String deepObjects = "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000);
        assertFails("a.a=ex.true", deepObjects);
    }
}
