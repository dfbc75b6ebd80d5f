package pgeventserv.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** Every refusal reason, counted; the function on the shared test database (a uniquely named one, dropped after). */
class AuthorizerTest {

    private static final String FUNCTION = "auth_test_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
    private static final String FILTERING = FUNCTION + "_filters";
    private static final PGSimpleDataSource DATABASE = new PGSimpleDataSource();

    @BeforeAll
    static void createFunction() throws Exception {
        DATABASE.setUrl("jdbc:postgresql://127.0.0.1:5432/test");
        DATABASE.setUser("postgres");
        try (Connection c = DATABASE.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE FUNCTION " + FUNCTION + "(claims jsonb, channel text) RETURNS boolean LANGUAGE sql AS"
                    + " $$ SELECT claims->>'sub' = 'alice' AND channel <> 'secret' $$");
            // Tenants by the claim "tenant"; refused (null) without one; "bad" returns a filter that cannot be read.
            s.execute("CREATE FUNCTION " + FILTERING + "(claims jsonb, channel text) RETURNS text[] LANGUAGE sql AS"
                    + " $$ SELECT CASE WHEN channel = 'bad' THEN ARRAY['tenant=zz.1']"
                    + " WHEN channel = 'open' THEN ARRAY[]::text[]"
                    + " WHEN claims ? 'tenant' THEN ARRAY['tenant=eq.' || (claims->>'tenant')] END $$");
        }
    }

    @AfterAll
    static void dropFunction() throws Exception {
        try (Connection c = DATABASE.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP FUNCTION IF EXISTS " + FUNCTION + "(jsonb, text)");
            s.execute("DROP FUNCTION IF EXISTS " + FILTERING + "(jsonb, text)");
        }
    }

    private static Authorizer authorizer(boolean required, String function) {
        return new Authorizer(new Verifier(TestTokens.secret(), null, null, "channels"), required,
                function == null ? null : new AuthorizeFunction(DATABASE, function, 10), null);
    }

    private static Denial denial(org.junit.jupiter.api.function.Executable executable) {
        return assertThrows(Rejected.class, executable).denial();
    }

    @Test
    void withoutAKeyAuthenticationIsOffAndNothingIsRequired() {
        Authorizer off = new Authorizer(null, true, null, null);
        org.junit.jupiter.api.Assertions.assertFalse(off.enabled());
        org.junit.jupiter.api.Assertions.assertFalse(off.required());
    }

    @Test
    void noTokenIsMissingWhenRequired() {
        Authorizer authorizer = authorizer(true, null);
        assertEquals(Denial.MISSING, denial(() -> authorizer.authenticate(null)));
        assertEquals(Denial.MISSING, denial(() -> authorizer.authenticate("")));
        assertEquals(2, authorizer.refusals(Denial.MISSING));
    }

    @Test
    void noTokenIsAnonymousWhenNotRequired() throws Exception {
        Authorizer authorizer = authorizer(false, FUNCTION);
        Grant grant = authorizer.authenticate(null);
        assertSame(Grant.ANONYMOUS, grant);
        authorizer.authorize(grant, "secret");
    }

    @Test
    void badTokensAreCountedAsInvalidOrExpired() throws Exception {
        Authorizer authorizer = authorizer(false, null);
        assertEquals(Denial.INVALID, denial(() -> authorizer.authenticate("garbage")));
        assertEquals(Denial.EXPIRED, denial(() -> authorizer.authenticate(
                TestTokens.hs256(TestTokens.expiringInSeconds(-3600, "a")))));
        assertEquals(1, authorizer.refusals(Denial.INVALID));
        assertEquals(1, authorizer.refusals(Denial.EXPIRED));
    }

    @Test
    void aChannelTheClaimDoesNotCoverIsForbidden() throws Exception {
        Authorizer authorizer = authorizer(true, null);
        Grant grant = authorizer.authenticate(TestTokens.hs256(TestTokens.claims("people")));
        authorizer.authorize(grant, "people");
        Rejected rejected = assertThrows(Rejected.class, () -> authorizer.authorize(grant, "payroll"));
        assertEquals(Denial.CHANNEL, rejected.denial());
        assertEquals(403, rejected.denial().status());
        assertEquals(1, authorizer.refusals(Denial.CHANNEL));
    }

    @Test
    void theFunctionAllowsOneChannelAndRefusesAnother() throws Exception {
        Authorizer authorizer = authorizer(true, FUNCTION);
        Grant grant = authorizer.authenticate(TestTokens.hs256(TestTokens.claims("*")));
        authorizer.authorize(grant, "people");
        assertEquals(Denial.FUNCTION, denial(() -> authorizer.authorize(grant, "secret")));
        assertEquals(1, authorizer.refusals(Denial.FUNCTION));
    }

    @Test
    void theClaimIsCheckedBeforeTheFunction() throws Exception {
        Authorizer authorizer = authorizer(true, FUNCTION);
        Grant grant = authorizer.authenticate(TestTokens.hs256(TestTokens.claims("people")));
        assertEquals(Denial.CHANNEL, denial(() -> authorizer.authorize(grant, "secret")));
    }

    @Test
    void aFunctionThatFailsIsUnavailable() throws Exception {
        Authorizer authorizer = authorizer(true, FUNCTION + "_missing");
        Grant grant = authorizer.authenticate(TestTokens.hs256(TestTokens.claims("*")));
        Rejected rejected = assertThrows(Rejected.class, () -> authorizer.authorize(grant, "people"));
        assertEquals(Denial.FUNCTION_FAILED, rejected.denial());
        assertEquals(503, rejected.denial().status());
    }

    @Test
    void aTokensFilterClaimAppliesToEveryChannelItCovers() throws Exception {
        Authorizer authorizer = authorizer(true, null);
        var claims = TestTokens.claims("*");
        claims.setStringListClaim("filter", "tenant=eq.7", "op=neq.DELETE");
        Grant grant = authorizer.authenticate(TestTokens.hs256(claims));
        assertEquals(List.of("tenant=eq.7", "op=neq.DELETE"), authorizer.authorize(grant, "rows").conditions());
        assertEquals(List.of(), authorizer.authorize(authorizer.authenticate(
                TestTokens.hs256(TestTokens.claims("*"))), "rows").conditions());
    }

    @Test
    void aTokenWithAFilterClaimThatCannotBeReadIsInvalid() throws Exception {
        Authorizer authorizer = authorizer(true, null);
        var claims = TestTokens.claims("*");
        claims.setStringListClaim("filter", "tenant=zz.7");
        Rejected rejected = assertThrows(Rejected.class, () -> authorizer.authenticate(TestTokens.hs256(claims)));
        assertEquals(Denial.INVALID, rejected.denial());
        assertTrue(rejected.getMessage().contains("tenant=zz.7"), rejected.getMessage());
        var number = TestTokens.claims("*");
        number.setClaim("filter", 7);
        assertEquals(Denial.INVALID, denial(() -> authorizer.authenticate(TestTokens.hs256(number))));
    }

    @Test
    void aFunctionReturningTextArrayGivesTheFilterAndNullRefuses() throws Exception {
        Authorizer authorizer = authorizer(true, FILTERING);
        var claims = TestTokens.claims("*");
        claims.setClaim("tenant", 7);
        claims.setStringListClaim("filter", "op=eq.INSERT");
        Grant grant = authorizer.authenticate(TestTokens.hs256(claims));
        assertEquals(List.of("op=eq.INSERT", "tenant=eq.7"), authorizer.authorize(grant, "rows").conditions(),
                "the claim's and the function's together");
        assertEquals(List.of("op=eq.INSERT"), authorizer.authorize(grant, "open").conditions(),
                "an empty array filters nothing more");
        assertEquals(Denial.FUNCTION_FAILED, denial(() -> authorizer.authorize(grant, "bad")));
        Grant without = authorizer.authenticate(TestTokens.hs256(TestTokens.claims("*")));
        assertEquals(Denial.FUNCTION, denial(() -> authorizer.authorize(without, "rows")));
    }

    @Test
    void aFunctionNameThatIsNotOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AuthorizeFunction(DATABASE, "f(); DROP TABLE x; --", 10));
        new AuthorizeFunction(DATABASE, "public.may_listen", 10);
        new AuthorizeFunction(DATABASE, "\"My Schema\".\"may listen\"", 10);
    }

    @Test
    void challengesFollowRfc6750() {
        assertEquals("Bearer realm=\"pg_eventserv\"", Denial.MISSING.challenge());
        assertEquals("Bearer realm=\"pg_eventserv\", error=\"invalid_token\", error_description=\"token expired\"",
                Denial.EXPIRED.challenge());
    }
}
