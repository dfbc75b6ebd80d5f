package pgeventserv.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import pgeventserv.postgres.DurableSchemaCheck.Finding;

class DurableSchemaCheckTest {

    private static final int CURRENT = DurableSql.VERSION;

    @Test
    void anInstallAtThisVersionTheRoleMayReadAndDeleteIsReady() {
        assertEquals(Finding.READY, DurableSchemaCheck.decide(true, CURRENT, true, false));
    }

    @Test
    void noSchemaIsMissingUnlessAnEarlierReleasesSchemaIsThere() {
        assertEquals(Finding.MISSING, DurableSchemaCheck.decide(false, 0, false, false));
        assertEquals(Finding.EARLIER_RELEASE, DurableSchemaCheck.decide(false, 0, false, true));
    }

    @Test
    void rightsAreCheckedBeforeTheVersionWhichTheRoleMayNotReadWithoutThem() {
        assertEquals(Finding.NO_RIGHTS, DurableSchemaCheck.decide(true, 0, false, false));
    }

    @Test
    void anOlderOrNewerVersionIsSaid() {
        assertEquals(Finding.OLDER_VERSION, DurableSchemaCheck.decide(true, CURRENT - 1, true, false));
        assertEquals(Finding.NEWER_VERSION, DurableSchemaCheck.decide(true, CURRENT + 1, true, false));
    }
}
