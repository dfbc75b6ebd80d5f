package pgeventserv.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code Channels} allow-list: any pattern that matches lets the channel in. */
class ChannelPolicyTest {

    private static ChannelPolicy policy(String... patterns) {
        ChannelPolicy policy = new ChannelPolicy();
        policy.patterns = List.of(patterns);
        policy.compile();
        return policy;
    }

    @Test
    void aChannelIsAllowedWhenAnyPatternMatches() {
        ChannelPolicy policy = policy("orders_*", "people");
        assertTrue(policy.allows("orders_eu"));
        assertTrue(policy.allows("people"));
        assertFalse(policy.allows("payroll"));
        assertEquals(List.of("orders_*", "people"), policy.patterns());
    }

    @Test
    void noPatternAllowsNothing() {
        assertFalse(policy().allows("anything"));
    }
}
