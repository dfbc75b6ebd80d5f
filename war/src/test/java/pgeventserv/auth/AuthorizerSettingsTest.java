package pgeventserv.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import pgeventserv.access.OriginPolicy;
import pgeventserv.fanout.filter.Filter;

/** The authorizer as its settings make it: no database. */
class AuthorizerSettingsTest {

    private static Authorizer configured(Optional<String> secret, Optional<String> publicKeyFile,
            Optional<Boolean> required) {
        Authorizer a = new Authorizer();
        a.secret = secret;
        a.publicKeyFile = publicKeyFile;
        a.issuer = Optional.empty();
        a.audience = Optional.empty();
        a.channelsClaim = "channels";
        a.queryParameter = Optional.empty();
        a.authRequired = required;
        a.functionName = Optional.empty();
        a.dataSourceName = "jdbc/none";
        a.origins = new OriginPolicy() {
            @Override
            public boolean anyOrigin() {
                return false;
            }
        };
        return a;
    }

    @Test
    void aSecretTurnsAuthenticationOnAndRequiredByDefault() throws Exception {
        Authorizer a = configured(Optional.of(TestTokens.SECRET), Optional.empty(), Optional.empty());
        a.init();
        assertTrue(a.enabled());
        assertTrue(a.required());
        Grant grant = a.authenticate(TestTokens.hs256(TestTokens.claims("people")));
        assertTrue(grant.covers("people"));
        assertFalse(grant.covers("payroll"));
    }

    @Test
    void aSecretWithAuthNotRequiredLetsClientsWithoutATokenIn() throws Exception {
        Authorizer a = configured(Optional.of(TestTokens.SECRET), Optional.empty(), Optional.of(false));
        a.init();
        assertTrue(a.enabled());
        assertFalse(a.required());
        assertSame(Grant.ANONYMOUS, a.authenticate(null));
    }

    @Test
    void withoutAKeyAuthenticationIsOffAndEveryoneIsAnonymous() throws Exception {
        Authorizer a = configured(Optional.empty(), Optional.empty(), Optional.empty());
        a.init();
        assertFalse(a.enabled());
        assertFalse(a.required());
        assertSame(Grant.ANONYMOUS, a.authenticate(null));
    }

    @Test
    void authRequiredWithoutAKeyIsAMistakeSaidAtStartup() {
        Authorizer a = configured(Optional.empty(), Optional.empty(), Optional.of(true));
        assertThrows(IllegalStateException.class, a::init);
    }

    @Test
    void aSecretAndAPublicKeyFileTogetherAreAMistakeSaidAtStartup() {
        Authorizer a = configured(Optional.of(TestTokens.SECRET), Optional.of("/nowhere.pem"), Optional.empty());
        assertThrows(IllegalArgumentException.class, a::init);
    }

    @Test
    void theQueryParameterIsReadOnlyWhenOneIsNamed() {
        Authorizer a = configured(Optional.empty(), Optional.empty(), Optional.empty());
        assertNull(a.queryParameter());
        a.queryParameter = Optional.of("jwt");
        assertEquals("jwt", a.queryParameter());
        assertNull(new Authorizer(null, false, null).queryParameter(), "not configured at all");
    }

    @Test
    void aRefusalDecidedElsewhereIsCounted() {
        Authorizer a = new Authorizer(null, false, null);
        a.refused(Denial.MISSING, "no auth message in time");
        assertEquals(1, a.refusals(Denial.MISSING));
        assertEquals(0, a.refusals(Denial.INVALID));
    }

    @Test
    void aGrantNamesOnlyItsSubject() {
        Grant grant = new Grant("alice", List.of(), Filter.NONE, Grant.NEVER, "{\"secret\":1}", "k");
        assertEquals("alice", grant.getName());
        assertEquals("Grant[alice]", grant.toString());
        assertFalse(grant.expires());
    }
}
