package pgeventserv.auth;

import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

/** Tokens and keys made in the test: no private key is ever committed. */
final class TestTokens {

    static final String SECRET = "a test secret of at least thirty-two bytes, for HS512 even more: 0123456789abcdef";

    private TestTokens() {
    }

    static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    static KeyPair ec() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /** Claims for channels, expiring in an hour. */
    static JwtClaims claims(String... channels) {
        JwtClaims claims = new JwtClaims();
        claims.setSubject("alice");
        claims.setExpirationTimeMinutesInTheFuture(60);
        claims.setIssuedAtToNow();
        claims.setStringListClaim("channels", List.of(channels));
        return claims;
    }

    static JwtClaims expiringInSeconds(long seconds, String... channels) {
        JwtClaims claims = claims(channels);
        NumericDate exp = NumericDate.now();
        exp.addSeconds(seconds);
        claims.setExpirationTime(exp);
        NumericDate issued = NumericDate.fromSeconds(exp.getValue() - 3600);
        claims.setIssuedAt(issued);
        return claims;
    }

    static String hs256(JwtClaims claims) throws JoseException {
        return sign(claims, "HS256", new HmacKey(SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    static String sign(JwtClaims claims, String algorithm, Key key) throws JoseException {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(algorithm);
        jws.setKey(key);
        jws.setAlgorithmConstraints(AlgorithmConstraints.NO_CONSTRAINTS);
        jws.setDoKeyValidation(false);
        return jws.getCompactSerialization();
    }

    /** {@code alg: none}: no signature at all. */
    static String unsigned(JwtClaims claims) throws JoseException {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue("none");
        jws.setAlgorithmConstraints(AlgorithmConstraints.NO_CONSTRAINTS);
        return jws.getCompactSerialization();
    }

    static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    static TrustedKeys secret() {
        return TrustedKeys.secret(SECRET);
    }
}
