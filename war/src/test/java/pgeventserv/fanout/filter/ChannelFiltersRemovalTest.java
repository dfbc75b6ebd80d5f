package pgeventserv.fanout.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Subscribers leaving a channel's filters: never matched again, and the others still are. */
class ChannelFiltersRemovalTest {

    private final ChannelFilters<String> channel = new ChannelFilters<>();

    private static Filter filter(String... conditions) {
        return Filter.parse(List.of(conditions), 10);
    }

    private List<String> matches(String payload) {
        List<String> matched = new ArrayList<>();
        channel.forEachMatch(payload, matched::add);
        matched.sort(null);
        return matched;
    }

    @Test
    void aRemovedSubscriberFiledUnderAValueIsNeverMatchedAgain() {
        channel.add("a", filter("kind=eq.x"));
        channel.add("b", filter("kind=eq.x"));
        channel.add("c", filter("kind=eq.x"));
        assertTrue(channel.remove("a"));
        assertEquals(List.of("b", "c"), matches("{\"kind\":\"x\"}"));
        assertTrue(channel.remove("c"));
        assertEquals(List.of("b"), matches("{\"kind\":\"x\"}"));
        assertFalse(channel.remove("a"), "gone already");
        assertFalse(channel.contains("a"));
        assertTrue(channel.contains("b"));
    }

    @Test
    void aRemovedSubscriberFiledUnderANumberIsNeverMatchedAgain() {
        channel.add("a", filter("n=in.(5,6)"));
        channel.add("b", filter("n=eq.5"));
        channel.remove("a");
        assertEquals(List.of("b"), matches("{\"n\":5}"));
        assertEquals(List.of(), matches("{\"n\":6}"));
        assertEquals(List.of(), matches("{\"n\":\"6\"}"));
    }

    @Test
    void aRemovedSubscriberWithoutAnIndexedConditionIsNeverMatchedAgain() {
        channel.add("a", filter("n=gt.1"));
        channel.add("b", filter("n=gt.2"));
        channel.add("c", filter("n=gt.3"));
        channel.remove("a");
        assertEquals(List.of("b", "c"), matches("{\"n\":9}"));
        channel.remove("c");
        assertEquals(List.of("b"), matches("{\"n\":9}"));
        channel.add("d", filter("n=gt.0"));
        assertEquals(List.of("b", "d"), matches("{\"n\":9}"));
    }

    @Test
    void theLastSubscriberOfAPathLeavingLeavesNoIndexBehind() {
        channel.add("a", filter("kind=eq.x"));
        channel.remove("a");
        assertTrue(channel.isEmpty());
        assertEquals(0, channel.size());
        channel.add("b", filter("other=eq.y"));
        assertEquals(List.of("b"), matches("{\"kind\":\"x\",\"other\":\"y\"}"));
        assertFalse(channel.isEmpty());
    }

    @Test
    void replacingAFilterFilesTheSubscriberUnderItsNewValueOnly() {
        channel.add("a", filter("kind=eq.x"));
        channel.add("a", filter("kind=eq.y"));
        assertEquals(List.of(), matches("{\"kind\":\"x\"}"));
        assertEquals(List.of("a"), matches("{\"kind\":\"y\"}"));
        assertEquals(1, channel.size());
    }
}
