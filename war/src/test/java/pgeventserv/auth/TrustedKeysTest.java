package pgeventserv.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwa.AlgorithmConstraints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustedKeysTest {

    @TempDir
    Path dir;

    @Test
    void aSecretAllowsOnlyHmac() {
        assertEquals(List.of("HS256", "HS384", "HS512"), TestTokens.secret().algorithms());
    }

    @Test
    void anRsaKeyAllowsOnlyRsAndPs() throws Exception {
        Path file = Files.writeString(dir.resolve("k.pem"), TestTokens.pem("PUBLIC KEY", TestTokens.rsa().getPublic().getEncoded()));
        assertEquals(List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512"), TrustedKeys.publicKeyFile(file).algorithms());
    }

    @Test
    void anEcKeyAllowsOnlyEs() throws Exception {
        Path file = Files.writeString(dir.resolve("k.pem"), TestTokens.pem("PUBLIC KEY", TestTokens.ec().getPublic().getEncoded()));
        assertEquals(List.of("ES256", "ES384", "ES512"), TrustedKeys.publicKeyFile(file).algorithms());
    }

    /** The certificate is made by the JDK's keytool, in the test; its private key stays in the temporary folder. */
    @Test
    void aPemCertificateVerifiesTokensOfItsKey() throws Exception {
        Path store = dir.resolve("store.p12");
        keytool("-genkeypair", "-alias", "jwt", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=test",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit");
        Path cert = dir.resolve("cert.pem");
        keytool("-exportcert", "-rfc", "-alias", "jwt", "-keystore", store.toString(), "-storepass", "changeit",
                "-file", cert.toString());
        java.security.KeyStore keyStore = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            keyStore.load(in, "changeit".toCharArray());
        }
        var key = keyStore.getKey("jwt", "changeit".toCharArray());
        Verifier verifier = new Verifier(TrustedKeys.publicKeyFile(cert), null, null, "channels");
        assertTrue(verifier.verify(TestTokens.sign(TestTokens.claims("a"), "RS256", key)).covers("a"));
    }

    @Test
    void aJwksVerifiesTokensByKid() throws Exception {
        KeyPair rsa = TestTokens.rsa();
        KeyPair ec = TestTokens.ec();
        RsaJsonWebKey rsaJwk = new RsaJsonWebKey((RSAPublicKey) rsa.getPublic());
        rsaJwk.setKeyId("r1");
        EllipticCurveJsonWebKey ecJwk = new EllipticCurveJsonWebKey((ECPublicKey) ec.getPublic());
        ecJwk.setKeyId("e1");
        Path file = Files.writeString(dir.resolve("jwks.json"), new JsonWebKeySet(rsaJwk, ecJwk).toJson());
        Verifier verifier = new Verifier(TrustedKeys.publicKeyFile(file), null, null, "channels");
        assertTrue(verifier.verify(signWithKid(rsa, "RS256", "r1")).covers("a"));
        assertTrue(verifier.verify(signWithKid(ec, "ES256", "e1")).covers("a"));
        assertEquals(Denial.INVALID, assertThrows(Rejected.class,
                () -> verifier.verify(signWithKid(TestTokens.rsa(), "RS256", "r1"))).denial());
    }

    @Test
    void aFileWithoutAKeyIsExplained() throws Exception {
        Path file = Files.writeString(dir.resolve("nothing.pem"), "hello");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrustedKeys.publicKeyFile(file));
        assertTrue(e.getMessage().contains("JwtPublicKeyFile"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrustedKeys.publicKeyFile(dir.resolve("missing.pem")));
    }

    private static String signWithKid(KeyPair pair, String algorithm, String kid) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(TestTokens.claims("a").toJson());
        jws.setAlgorithmHeaderValue(algorithm);
        jws.setKeyIdHeaderValue(kid);
        jws.setKey(pair.getPrivate());
        jws.setAlgorithmConstraints(AlgorithmConstraints.NO_CONSTRAINTS);
        return jws.getCompactSerialization();
    }

    private static void keytool(String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "keytool finished");
        assertEquals(0, process.exitValue(), "keytool " + arguments[0]);
    }
}
