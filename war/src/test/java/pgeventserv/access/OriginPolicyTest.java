package pgeventserv.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

    private static OriginPolicy policy(String... patterns) {
        OriginPolicy policy = new OriginPolicy();
        policy.patterns = List.of(patterns);
        policy.compile();
        return policy;
    }

    @Test
    void starAllowsEveryPageAndSaysSo() {
        OriginPolicy any = policy("*");
        assertTrue(any.allows("https://anything.example"));
        assertEquals(Optional.of("*"), any.allowOriginHeader("https://anything.example"));
    }

    @Test
    void onlyListedOriginsAreAllowedGlobsIncluded() {
        OriginPolicy some = policy("https://app.example", "https://*.corp.example");
        assertTrue(some.allows("https://app.example"));
        assertTrue(some.allows("https://team.corp.example"));
        assertFalse(some.allows("https://evil.example"));
        assertFalse(some.allows("http://app.example"), "the scheme counts");
        assertFalse(some.allows("https://app.example:8443"), "the port counts");
        assertFalse(some.allows("null"), "sandboxed pages send null");
    }

    @Test
    void originsCompareWithoutCase() {
        assertTrue(policy("https://App.Example").allows("https://app.example"));
    }

    @Test
    void aRequestWithoutOriginComesFromNoPageAndIsAllowed() {
        assertTrue(policy("https://app.example").allows(null));
    }

    @Test
    void theCorsHeaderNamesTheAllowedOriginOnly() {
        OriginPolicy some = policy("https://app.example");
        assertEquals(Optional.of("https://app.example"), some.allowOriginHeader("https://app.example"));
        assertEquals(Optional.empty(), some.allowOriginHeader("https://evil.example"));
        assertEquals(Optional.empty(), some.allowOriginHeader(null));
    }
}
