package pgeventserv.websocket;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClientMessageBudgetTest {

    @Test
    void aBurstIsAllowedAndOneMoreIsNot() {
        ClientMessageBudget budget = new ClientMessageBudget(0);
        for (int i = 0; i < ClientMessageBudget.BURST; i++) {
            assertTrue(budget.spend(0), "message " + i);
        }
        assertFalse(budget.spend(0));
    }

    @Test
    void theBudgetRefillsOnePerIntervalUpToTheBurst() {
        ClientMessageBudget budget = new ClientMessageBudget(0);
        for (int i = 0; i < ClientMessageBudget.BURST; i++) {
            budget.spend(0);
        }
        long later = 3 * ClientMessageBudget.REFILL_NANOS;
        for (int i = 0; i < 3; i++) {
            assertTrue(budget.spend(later));
        }
        assertFalse(budget.spend(later));
    }

    @Test
    void aSlowKeepAliveIsNeverRefused() {
        ClientMessageBudget budget = new ClientMessageBudget(0);
        for (int i = 1; i <= 1000; i++) {
            assertTrue(budget.spend(i * 30 * ClientMessageBudget.REFILL_NANOS));
        }
    }
}
