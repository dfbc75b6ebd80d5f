package pgeventserv.auth;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.keys.HmacKey;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.JoseException;

import static org.jose4j.jws.AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256;
import static org.jose4j.jws.AlgorithmIdentifiers.ECDSA_USING_P384_CURVE_AND_SHA384;
import static org.jose4j.jws.AlgorithmIdentifiers.ECDSA_USING_P521_CURVE_AND_SHA512;
import static org.jose4j.jws.AlgorithmIdentifiers.HMAC_SHA256;
import static org.jose4j.jws.AlgorithmIdentifiers.HMAC_SHA384;
import static org.jose4j.jws.AlgorithmIdentifiers.HMAC_SHA512;
import static org.jose4j.jws.AlgorithmIdentifiers.RSA_PSS_USING_SHA256;
import static org.jose4j.jws.AlgorithmIdentifiers.RSA_PSS_USING_SHA384;
import static org.jose4j.jws.AlgorithmIdentifiers.RSA_PSS_USING_SHA512;
import static org.jose4j.jws.AlgorithmIdentifiers.RSA_USING_SHA256;
import static org.jose4j.jws.AlgorithmIdentifiers.RSA_USING_SHA384;
import static org.jose4j.jws.AlgorithmIdentifiers.RSA_USING_SHA512;

/**
 * The keys tokens are verified with, and the only algorithms allowed with them. The algorithms follow from the kind
 * of key and nothing else: a secret allows HS*, an RSA key RS* and PS*, an EC key ES*. So {@code alg: none} is
 * never allowed, and neither is algorithm confusion (an HS256 token "signed" with the RSA public key as its secret):
 * jose4j refuses any algorithm not listed before it looks at a key.
 */
public record TrustedKeys(VerificationKeyResolver resolver, List<String> algorithms) {

    /** HS256 needs a secret of at least 256 bits (jose4j enforces it per algorithm: 384 for HS384, 512 for HS512). */
    public static final int MIN_SECRET_BYTES = 32;

    private static final List<String> RSA = List.of(RSA_USING_SHA256, RSA_USING_SHA384, RSA_USING_SHA512,
            RSA_PSS_USING_SHA256, RSA_PSS_USING_SHA384, RSA_PSS_USING_SHA512);
    private static final List<String> EC = List.of(ECDSA_USING_P256_CURVE_AND_SHA256,
            ECDSA_USING_P384_CURVE_AND_SHA384, ECDSA_USING_P521_CURVE_AND_SHA512);

    public TrustedKeys {
        algorithms = List.copyOf(algorithms);
    }

    /** {@code JwtSecret}: HS256, HS384, HS512 with the secret's UTF-8 bytes. */
    public static TrustedKeys secret(String secret) {
        Key key = new HmacKey(secret.getBytes(StandardCharsets.UTF_8));
        return new TrustedKeys((jws, nesting) -> key, List.of(HMAC_SHA256, HMAC_SHA384, HMAC_SHA512));
    }

    /**
     * {@code JwtPublicKeyFile}: a PEM public key ({@code BEGIN PUBLIC KEY}), a PEM certificate, or a JWKS (or one
     * JWK) in JSON, whose public RSA and EC keys are chosen by the token's {@code kid} and {@code alg}.
     *
     * @throws IllegalArgumentException saying what is wrong with the file
     */
    public static TrustedKeys publicKeyFile(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("JwtPublicKeyFile " + file + " cannot be read: " + e.getMessage(), e);
        }
        try {
            if (text.startsWith("{")) {
                return jwks(text);
            }
            PublicKey key;
            if (text.contains("-----BEGIN CERTIFICATE-----")) {
                key = CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)))
                        .getPublicKey();
            } else if (text.contains("-----BEGIN PUBLIC KEY-----")) {
                key = publicKey(pemBody(text, "PUBLIC KEY"));
            } else {
                throw new IllegalArgumentException("JwtPublicKeyFile " + file + " holds no PEM public key ("
                        + "BEGIN PUBLIC KEY), PEM certificate or JWKS");
            }
            return new TrustedKeys((jws, nesting) -> key, algorithmsFor(key));
        } catch (GeneralSecurityException | JoseException e) {
            throw new IllegalArgumentException("JwtPublicKeyFile " + file + " cannot be read as a key: " + e.getMessage(), e);
        }
    }

    private static TrustedKeys jwks(String json) throws JoseException {
        List<JsonWebKey> keys = json.contains("\"keys\"") ? new JsonWebKeySet(json).getJsonWebKeys()
                : List.of(JsonWebKey.Factory.newJwk(json));
        List<JsonWebKey> usable = new ArrayList<>();
        Set<String> algorithms = new LinkedHashSet<>();
        for (JsonWebKey jwk : keys) {
            // A symmetric key in a public key file is a mistake; only public keys verify here.
            if (jwk instanceof PublicJsonWebKey pub && !algorithmsFor(pub.getPublicKey()).isEmpty()) {
                usable.add(jwk);
                algorithms.addAll(algorithmsFor(pub.getPublicKey()));
            }
        }
        if (usable.isEmpty()) {
            throw new IllegalArgumentException("the JWKS in JwtPublicKeyFile has no RSA or EC public key");
        }
        return new TrustedKeys(new JwksVerificationKeyResolver(usable), List.copyOf(algorithms));
    }

    private static List<String> algorithmsFor(PublicKey key) {
        if (key instanceof RSAPublicKey) {
            return RSA;
        }
        if (key instanceof ECPublicKey) {
            return EC;
        }
        return List.of();
    }

    private static PublicKey publicKey(byte[] der) throws GeneralSecurityException {
        X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
        try {
            return KeyFactory.getInstance("RSA").generatePublic(spec);
        } catch (GeneralSecurityException notRsa) {
            return KeyFactory.getInstance("EC").generatePublic(spec);
        }
    }

    private static byte[] pemBody(String pem, String label) {
        String begin = "-----BEGIN " + label + "-----";
        int start = pem.indexOf(begin) + begin.length();
        int end = pem.indexOf("-----END " + label + "-----", start);
        if (end < 0) {
            throw new IllegalArgumentException("unterminated PEM " + label);
        }
        return Base64.getMimeDecoder().decode(pem.substring(start, end));
    }
}
