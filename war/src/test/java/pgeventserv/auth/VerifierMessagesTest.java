package pgeventserv.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;

/** What a refused token is told (never the token): one reason per thing wrong; and how a grant is named in caches. */
class VerifierMessagesTest {

    private static final String ISSUER = "https://auth.example/";
    private static final String AUDIENCE = "pg_eventserv";
    private final Verifier strict = new Verifier(TestTokens.secret(), ISSUER, AUDIENCE, "channels");

    private static JwtClaims good() {
        JwtClaims claims = TestTokens.claims("a");
        claims.setIssuer(ISSUER);
        claims.setAudience(AUDIENCE);
        return claims;
    }

    private Rejected refused(String token) {
        return assertThrows(Rejected.class, () -> strict.verify(token));
    }

    @Test
    void anotherIssuerOrNoneIsNotAccepted() throws Exception {
        JwtClaims claims = good();
        claims.setIssuer("https://evil.example/");
        assertEquals("token issuer not accepted", refused(TestTokens.hs256(claims)).getMessage());
        claims.unsetClaim("iss");
        assertEquals("token issuer not accepted", refused(TestTokens.hs256(claims)).getMessage());
    }

    @Test
    void anotherAudienceOrNoneIsNotAccepted() throws Exception {
        JwtClaims claims = good();
        claims.setAudience("someone-else");
        assertEquals("token audience not accepted", refused(TestTokens.hs256(claims)).getMessage());
        claims.unsetClaim("aud");
        assertEquals("token audience not accepted", refused(TestTokens.hs256(claims)).getMessage());
    }

    @Test
    void aTokenNotYetValidSaysSo() throws Exception {
        JwtClaims claims = good();
        NumericDate nbf = NumericDate.now();
        nbf.addSeconds(600);
        claims.setNotBefore(nbf);
        assertEquals("token not yet valid", refused(TestTokens.hs256(claims)).getMessage());
    }

    @Test
    void aForeignSignatureSaysSo() throws Exception {
        HmacKey other = new HmacKey("another secret of at least thirty-two bytes!!".getBytes(StandardCharsets.UTF_8));
        Rejected rejected = refused(TestTokens.sign(good(), "HS256", other));
        assertEquals("token signature not valid", rejected.getMessage());
        assertEquals(Denial.INVALID, rejected.denial());
    }

    @Test
    void anExpiredTokenSaysSoAndAnythingElseIsNotValid() throws Exception {
        JwtClaims expired = TestTokens.expiringInSeconds(-3600, "a");
        expired.setIssuer(ISSUER);
        expired.setAudience(AUDIENCE);
        assertEquals("token expired", refused(TestTokens.hs256(expired)).getMessage());
        assertEquals("token not valid", refused("garbage").getMessage());
    }

    @Test
    void aGrantIsNamedInCachesByItsTokensDigestNeverByTheToken() throws Exception {
        String first = TestTokens.hs256(good());
        JwtClaims other = good();
        other.setSubject("bob");
        String second = TestTokens.hs256(other);
        String key = strict.verify(first).cacheKey();
        assertEquals(key, strict.verify(first).cacheKey());
        assertNotEquals(key, strict.verify(second).cacheKey());
        assertEquals(43, key.length(), "SHA-256, base64url without padding");
        assertNotEquals(first, key);
    }

    @Test
    void eachDenialHasItsMetricsTag() {
        assertEquals("missing", Denial.MISSING.tag());
        assertEquals("function_failed", Denial.FUNCTION_FAILED.tag());
        assertEquals(503, Denial.FUNCTION_FAILED.status());
    }
}
