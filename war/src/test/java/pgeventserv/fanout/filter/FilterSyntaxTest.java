package pgeventserv.fanout.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading filters: the language of DESIGN §13, its bounds, and errors that name the condition at fault. */
class FilterSyntaxTest {

    private static Filter parse(String... conditions) {
        return Filter.parse(List.of(conditions), 10);
    }

    private static FilterException refused(String condition) {
        return assertThrows(FilterException.class, () -> parse(condition));
    }

    private static void assertRefused(String condition, String problem) {
        FilterException e = refused(condition);
        assertEquals(condition, e.condition());
        assertTrue(e.getMessage().startsWith("filter '" + condition + "': "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    @Test
    void everyOperatorOfTheLanguageIsRead() {
        for (String condition : List.of("a=eq.1", "a=neq.1", "a=lt.1", "a=lte.1", "a=gt.1", "a=gte.1", "a=in.(1,2)",
                "a=nin.(1,2)", "a=like.x*", "a=is.null", "a=is.true", "a=is.false", "a=ex.true", "a=ex.false")) {
            assertEquals(List.of(condition), parse(condition).conditions());
            assertEquals(List.of("a=not." + condition.substring(2)), parse("a=not." + condition.substring(2))
                    .conditions());
        }
    }

    @Test
    void unknownOperatorIsRefusedNamingItAndTheCondition() {
        assertRefused("tenant=eqq.7", "unknown operator 'eqq'");
        assertRefused("tenant=EQ.7", "unknown operator 'EQ'");
        assertRefused("tenant=not.not.eq.7", "unknown operator 'not'");
        assertRefused("tenant=ilike.x", "unknown operator 'ilike'");
    }

    @Test
    void conditionWithoutOperatorAndValueIsRefused() {
        assertRefused("tenant", "expected path=op.value");
        assertRefused("tenant=eq", "expected op.value");
        assertRefused("tenant=not.eq", "expected op.value");
        assertRefused("tenant=", "expected op.value");
        assertRefused("", "expected path=op.value");
    }

    @Test
    void emptyPathOrKeyIsRefused() {
        assertRefused("=eq.7", "no path before '='");
        assertRefused("a..b=eq.7", "an empty key");
        assertRefused(".a=eq.7", "an empty key");
        assertRefused("a.=eq.7", "an empty key");
    }

    @Test
    void valueOfAComparisonIsEverythingAfterTheOperatorDotsEqualsAndQuotesIncluded() {
        assertTrue(parse("name=eq.a.b=c\"d").matches("{\"name\":\"a.b=c\\\"d\"}"));
        assertTrue(parse("name=eq.").matches("{\"name\":\"\"}"), "an empty value is the empty string");
        assertTrue(parse("name=eq. x ").matches("{\"name\":\" x \"}"), "nothing is trimmed");
        assertFalse(parse("name=eq. x ").matches("{\"name\":\"x\"}"));
    }

    @Test
    void quotedKeysMayHoldDotsEqualsQuotesAndBeEmpty() {
        assertTrue(parse("\"a.b\"=eq.1").matches("{\"a.b\":1}"));
        assertFalse(parse("\"a.b\"=eq.1").matches("{\"a\":{\"b\":1}}"));
        assertTrue(parse("\"k=v\".c=eq.1").matches("{\"k=v\":{\"c\":1}}"));
        assertTrue(parse("\"say \\\"hi\\\"\"=ex.true").matches("{\"say \\\"hi\\\"\":0}"));
        assertTrue(parse("\"back\\\\slash\"=ex.true").matches("{\"back\\\\slash\":0}"));
        assertTrue(parse("\"\"=eq.e").matches("{\"\":\"e\"}"));
        assertTrue(parse("new.\"a.b\".c=eq.1").matches("{\"new\":{\"a.b\":{\"c\":1}}}"));
        assertTrue(parse("\"plain\"=eq.1").matches("{\"plain\":1}"), "quoting an ordinary key changes nothing");
    }

    @Test
    void unquotedKeyKeepsABackslashAsItIs() {
        assertTrue(parse("a\\b=eq.1").matches("{\"a\\\\b\":1}"));
    }

    @Test
    void malformedQuotedKeysAreRefused() {
        assertRefused("\"a.b=eq.1", "without its closing '\"'");
        assertRefused("\"a\"b=eq.1", "expected '.' or '=' after the quoted key");
        assertRefused("a\"b\"=eq.1", "a '\"' inside a key");
        assertRefused("\"a\\", "without its closing '\"'");
    }

    @Test
    void listsTakeQuotedValuesWithCommasParenthesesAndEscapedQuotes() {
        Filter filter = parse("name=in.(a,b,\"c,d\",\"x(1)\",\"say \\\"hi\\\"\",\"back\\\\slash\",\"\")");
        for (String json : List.of("\"a\"", "\"b\"", "\"c,d\"", "\"x(1)\"", "\"say \\\"hi\\\"\"", "\"back\\\\slash\"",
                "\"\"")) {
            assertTrue(filter.matches("{\"name\":" + json + "}"), json);
        }
        for (String json : List.of("\"c\"", "\"d\"", "\"x\"", "\"say \\\"hi\\\"\\\"\"", "\"\\\"a\\\"\"")) {
            assertFalse(filter.matches("{\"name\":" + json + "}"), json);
        }
    }

    @Test
    void quotesInAListOnlyDelimit() {
        assertTrue(parse("n=in.(\"5\")").matches("{\"n\":5.0}"), "a quoted number is still a number");
    }

    @Test
    void emptyListIsReadAndMatchesNothing() {
        assertFalse(parse("n=in.()").matches("{\"n\":\"\"}"));
        assertTrue(parse("n=nin.()").matches("{\"n\":\"\"}"));
    }

    @Test
    void malformedListsAreRefused() {
        assertRefused("n=in.1,2", "in and nin take a list");
        assertRefused("n=in.", "in and nin take a list");
        assertRefused("n=in.(1,2", "no closing ')'");
        assertRefused("n=in.(1,2)x", "text after the list's closing ')'");
        assertRefused("n=in.(1,,2)", "an empty value in the list");
        assertRefused("n=in.(1,)", "an empty value in the list");
        assertRefused("n=in.(a(1))", "a '(' inside a list value");
        assertRefused("n=in.(a\"b)", "a '\"' inside a list value");
        assertRefused("n=nin.(\"a\"b)", "expected ',' or ')' after a quoted list value");
        assertRefused("n=in.(\"a)", "without its closing '\"'");
    }

    @Test
    void isAndExTakeOnlyTheirWords() {
        assertRefused("a=is.NULL", "is takes null, true or false, not 'NULL'");
        assertRefused("a=is.unknown", "is takes null, true or false");
        assertRefused("a=is.", "is takes null, true or false");
        assertRefused("a=ex.yes", "ex takes true or false, not 'yes'");
    }

    @Test
    void likePatternEndingWithALoneBackslashIsRefused() {
        assertRefused("a=like.x\\", "ends with a lone '\\'");
        parse("a=like.x\\\\");
    }

    @Test
    void nullConditionIsRefused() {
        FilterException e = assertThrows(FilterException.class, () -> Filter.parse(Arrays.asList("a=eq.1", null),
                10));
        assertNull(e.condition());
        assertTrue(e.getMessage().contains("null"), e.getMessage());
    }

    @Test
    void moreConditionsThanTheLimitAreRefusedSayingTheLimit() {
        List<String> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add("a" + i + "=eq.1");
        }
        FilterException e = assertThrows(FilterException.class, () -> Filter.parse(eleven, 10));
        assertEquals("at most 10 filter conditions are allowed, got 11", e.getMessage());
        assertNull(e.condition());
        assertEquals(10, Filter.parse(eleven.subList(0, 10), 10).conditions().size());
        assertThrows(FilterException.class, () -> Filter.parse(List.of("a=eq.1"), 0));
    }

    @Test
    void conditionLongerThanTheLimitIsRefusedAndShownShortened() {
        String atLimit = "a=eq." + "x".repeat(Filter.MAX_CONDITION_LENGTH - 5);
        assertEquals(Filter.MAX_CONDITION_LENGTH, atLimit.length());
        parse(atLimit);
        String over = atLimit + "x";
        FilterException e = refused(over);
        assertEquals(over, e.condition());
        assertTrue(e.getMessage().contains("longer than 1024 characters (1025)"), e.getMessage());
        assertTrue(e.getMessage().length() < 200, "the message shows the start of the condition: " + e.getMessage());
    }

    @Test
    void firstBadConditionOfAListIsTheOneNamed() {
        FilterException e = assertThrows(FilterException.class, () -> parse("a=eq.1", "b=bad.2", "c=worse"));
        assertEquals("b=bad.2", e.condition());
    }

    @Test
    void emptyListIsNoFilterAndRepeatedConditionsCountOnce() {
        assertSame(Filter.NONE, Filter.parse(Collections.emptyList(), 10));
        assertTrue(Filter.NONE.isEmpty());
        assertTrue(Filter.NONE.matches("not json"));
        assertEquals(List.of("a=eq.1", "b=eq.2"), parse("a=eq.1", "b=eq.2", "a=eq.1").conditions());
    }

    @Test
    void clientFilterOnlyNarrowsTheTokens() {
        Filter token = parse("tenant=eq.7");
        Filter client = parse("type=eq.INSERT", "tenant=eq.7");
        Filter both = token.and(client);
        assertEquals(List.of("tenant=eq.7", "type=eq.INSERT"), both.conditions());
        assertTrue(both.matches("{\"tenant\":7,\"type\":\"INSERT\"}"));
        assertFalse(both.matches("{\"tenant\":7,\"type\":\"DELETE\"}"));
        assertFalse(both.matches("{\"tenant\":8,\"type\":\"INSERT\"}"));
        Filter widening = token.and(parse("tenant=eq.8"));
        assertFalse(widening.matches("{\"tenant\":8}"), "asking for another tenant gets nothing, not that tenant");
        assertFalse(widening.matches("{\"tenant\":7}"));
        assertFalse(token.and(parse("tenant=not.eq.7")).matches("{\"tenant\":8}"));
        assertSame(token, token.and(Filter.NONE));
        assertSame(token, Filter.NONE.and(token));
    }
}
