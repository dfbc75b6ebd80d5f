package pgeventserv.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifierTest {

    private static KeyPair rsa;
    private static Verifier hs;

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() throws Exception {
        rsa = TestTokens.rsa();
        hs = new Verifier(TestTokens.secret(), null, null, "channels");
    }

    private Verifier rsaVerifier() throws Exception {
        Path file = Files.writeString(dir.resolve("key.pem"), TestTokens.pem("PUBLIC KEY", rsa.getPublic().getEncoded()));
        return new Verifier(TrustedKeys.publicKeyFile(file), null, null, "channels");
    }

    private static Denial denial(Verifier verifier, String token) {
        return assertThrows(Rejected.class, () -> verifier.verify(token)).denial();
    }

    @Test
    void goodHs256TokenGrantsItsChannels() throws Exception {
        Grant grant = hs.verify(TestTokens.hs256(TestTokens.claims("people", "orders_*")));
        assertEquals("alice", grant.subject());
        assertTrue(grant.covers("people"));
        assertTrue(grant.covers("orders_eu"));
        assertFalse(grant.covers("payroll"));
        assertTrue(grant.expires());
    }

    @Test
    void hs384AndHs512AreAcceptedWithTheSecret() throws Exception {
        HmacKey key = new HmacKey(TestTokens.SECRET.getBytes(StandardCharsets.UTF_8));
        assertTrue(hs.verify(TestTokens.sign(TestTokens.claims("a"), "HS384", key)).covers("a"));
        assertTrue(hs.verify(TestTokens.sign(TestTokens.claims("a"), "HS512", key)).covers("a"));
    }

    @Test
    void aSingleStringClaimIsOnePattern() throws Exception {
        JwtClaims claims = TestTokens.claims();
        claims.setClaim("channels", "people");
        assertTrue(hs.verify(TestTokens.hs256(claims)).covers("people"));
    }

    @Test
    void aTokenWithoutTheClaimCoversNoChannel() throws Exception {
        JwtClaims claims = TestTokens.claims();
        claims.unsetClaim("channels");
        assertFalse(hs.verify(TestTokens.hs256(claims)).covers("people"));
    }

    @Test
    void theChannelsClaimNameIsASetting() throws Exception {
        JwtClaims claims = TestTokens.claims();
        claims.setStringListClaim("rooms", List.of("lobby"));
        Verifier rooms = new Verifier(TestTokens.secret(), null, null, "rooms");
        assertTrue(rooms.verify(TestTokens.hs256(claims)).covers("lobby"));
    }

    @Test
    void aTokenWithoutExpiryNeverExpires() throws Exception {
        JwtClaims claims = TestTokens.claims("a");
        claims.unsetClaim("exp");
        assertFalse(hs.verify(TestTokens.hs256(claims)).expires());
    }

    @Test
    void tokenSignedWithAnotherSecretIsInvalid() throws Exception {
        HmacKey other = new HmacKey("another secret of at least thirty-two bytes!!".getBytes(StandardCharsets.UTF_8));
        assertEquals(Denial.INVALID, denial(hs, TestTokens.sign(TestTokens.claims("a"), "HS256", other)));
    }

    @Test
    void garbageIsInvalid() {
        assertEquals(Denial.INVALID, denial(hs, "not.a.token"));
        assertEquals(Denial.INVALID, denial(hs, "garbage"));
    }

    @Test
    void algNoneIsRefused() throws Exception {
        assertEquals(Denial.INVALID, denial(hs, TestTokens.unsigned(TestTokens.claims("a"))));
        assertEquals(Denial.INVALID, denial(rsaVerifier(), TestTokens.unsigned(TestTokens.claims("a"))));
    }

    /** The classic confusion: an HS256 token whose secret is the server's RSA public key, which anyone may have. */
    @Test
    void hmacTokenKeyedWithThePublicKeyIsRefused() throws Exception {
        Verifier verifier = rsaVerifier();
        String pem = Files.readString(dir.resolve("key.pem"));
        for (byte[] secret : List.of(pem.getBytes(StandardCharsets.US_ASCII), rsa.getPublic().getEncoded())) {
            assertEquals(Denial.INVALID, denial(verifier, TestTokens.sign(TestTokens.claims("a"), "HS256", new HmacKey(secret))));
        }
    }

    @Test
    void rsaTokensAreVerifiedWithThePublicKeyRsAndPs() throws Exception {
        Verifier verifier = rsaVerifier();
        assertTrue(verifier.verify(TestTokens.sign(TestTokens.claims("a"), "RS256", rsa.getPrivate())).covers("a"));
        assertTrue(verifier.verify(TestTokens.sign(TestTokens.claims("a"), "PS256", rsa.getPrivate())).covers("a"));
        KeyPair other = TestTokens.rsa();
        assertEquals(Denial.INVALID, denial(verifier, TestTokens.sign(TestTokens.claims("a"), "RS256", other.getPrivate())));
    }

    @Test
    void ecTokensAreVerifiedWithTheEcPublicKey() throws Exception {
        KeyPair ec = TestTokens.ec();
        Path file = Files.writeString(dir.resolve("ec.pem"), TestTokens.pem("PUBLIC KEY", ec.getPublic().getEncoded()));
        Verifier verifier = new Verifier(TrustedKeys.publicKeyFile(file), null, null, "channels");
        assertTrue(verifier.verify(TestTokens.sign(TestTokens.claims("a"), "ES256", ec.getPrivate())).covers("a"));
        assertEquals(Denial.INVALID, denial(verifier, TestTokens.sign(TestTokens.claims("a"), "RS256", rsa.getPrivate())));
    }

    @Test
    void expiredTokenIsExpired() throws Exception {
        assertEquals(Denial.EXPIRED, denial(hs, TestTokens.hs256(TestTokens.expiringInSeconds(-Verifier.LEEWAY_SECONDS - 60, "a"))));
    }

    @Test
    void aTokenExpiredWithinTheLeewayIsAcceptedUntilTheLeewayEnds() throws Exception {
        Grant grant = hs.verify(TestTokens.hs256(TestTokens.expiringInSeconds(-10, "a")));
        long left = grant.expiresAtMillis() - System.currentTimeMillis();
        assertTrue(left > 0 && left <= (Verifier.LEEWAY_SECONDS - 10) * 1000L, "ends when the leeway does: " + left);
    }

    @Test
    void anExpiredForgeryIsInvalidNotExpired() throws Exception {
        HmacKey other = new HmacKey("another secret of at least thirty-two bytes!!".getBytes(StandardCharsets.UTF_8));
        assertEquals(Denial.INVALID, denial(hs, TestTokens.sign(TestTokens.expiringInSeconds(-3600, "a"), "HS256", other)));
    }

    @Test
    void aTokenNotYetValidIsInvalid() throws Exception {
        JwtClaims claims = TestTokens.claims("a");
        NumericDate nbf = NumericDate.now();
        nbf.addSeconds(600);
        claims.setNotBefore(nbf);
        assertEquals(Denial.INVALID, denial(hs, TestTokens.hs256(claims)));
    }

    @Test
    void issuerAndAudienceAreCheckedWhenSet() throws Exception {
        Verifier strict = new Verifier(TestTokens.secret(), "https://auth.example/", "pg_eventserv", "channels");
        JwtClaims claims = TestTokens.claims("a");
        claims.setIssuer("https://auth.example/");
        claims.setAudience("pg_eventserv");
        assertTrue(strict.verify(TestTokens.hs256(claims)).covers("a"));
        claims.setIssuer("https://evil.example/");
        assertEquals(Denial.INVALID, denial(strict, TestTokens.hs256(claims)));
        claims.setIssuer("https://auth.example/");
        claims.setAudience("someone-else");
        assertEquals(Denial.INVALID, denial(strict, TestTokens.hs256(claims)));
        claims.unsetClaim("aud");
        assertEquals(Denial.INVALID, denial(strict, TestTokens.hs256(claims)));
    }

    @Test
    void anAudienceIsIgnoredWhenNoneIsSet() throws Exception {
        JwtClaims claims = TestTokens.claims("a");
        claims.setAudience("whatever");
        assertTrue(hs.verify(TestTokens.hs256(claims)).covers("a"));
    }

    @Test
    void refusalMessagesNeverContainTheToken() throws Exception {
        String token = TestTokens.hs256(TestTokens.expiringInSeconds(-3600, "a"));
        Rejected rejected = assertThrows(Rejected.class, () -> hs.verify(token));
        for (String part : token.split("\\.")) {
            assertFalse(rejected.getMessage().contains(part));
        }
        Grant grant = hs.verify(TestTokens.hs256(TestTokens.claims("a")));
        assertFalse(grant.toString().contains("channels"), "a grant prints as its subject alone");
    }
}
