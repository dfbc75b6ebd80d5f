package pgeventserv.launch;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PEM files operators have (a certificate or a chain, leaf first, and its private key) as the
 * PKCS#12 keystore Payara's HTTPS listener reads. Plain JDK: keys in PKCS#8 ({@code BEGIN PRIVATE KEY}),
 * PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC1 ({@code BEGIN EC PRIVATE KEY}); the two older forms are
 * rewrapped as PKCS#8 with a few bytes of DER. Encrypted keys are refused: the server could not ask for
 * the passphrase.
 */
final class PemKeyStore {

    static final String ALIAS = "pg_eventserv";

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");
    private static final byte[] RSA_ENCRYPTION = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
    private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    private static final byte[] DER_NULL = {0x05, 0x00};
    private static final byte[] VERSION_ZERO = {0x02, 0x01, 0x00};

    private PemKeyStore() {
    }

    /** @throws IllegalArgumentException naming the file and what is wrong with it */
    static KeyStore load(Path certificateFile, Path keyFile, char[] password) throws IOException {
        List<? extends Certificate> chain = certificates(certificateFile);
        PrivateKey key = privateKey(keyFile);
        if (!belongTogether(key, chain.get(0).getPublicKey())) {
            throw new IllegalArgumentException(keyFile + ": this private key does not belong to the certificate in "
                    + certificateFile);
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key, password, chain.toArray(Certificate[]::new));
            return store;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot make a keystore of " + certificateFile + " and " + keyFile + ": " + e.getMessage());
        }
    }

    static List<? extends Certificate> certificates(Path file) throws IOException {
        byte[] bytes = read(file);
        try {
            List<? extends Certificate> chain = List.copyOf(
                    CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes)));
            if (chain.isEmpty()) {
                throw new IllegalArgumentException(file + ": no PEM certificate (BEGIN CERTIFICATE) in it");
            }
            return chain;
        } catch (CertificateException e) {
            throw new IllegalArgumentException(file + ": not a PEM certificate: " + e.getMessage());
        }
    }

    static PrivateKey privateKey(Path file) throws IOException {
        String text = new String(read(file), StandardCharsets.US_ASCII);
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            if (!type.endsWith("PRIVATE KEY")) {
                continue;
            }
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(2));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": the " + type + " block is not valid base64");
            }
            try {
                return switch (type) {
                    case "PRIVATE KEY" -> pkcs8(der);
                    case "RSA PRIVATE KEY" -> pkcs8(sequence(VERSION_ZERO, sequence(RSA_ENCRYPTION, DER_NULL), octetString(der)));
                    case "EC PRIVATE KEY" -> pkcs8(sequence(VERSION_ZERO, sequence(EC_PUBLIC_KEY, curveOf(der)), octetString(der)));
                    case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(file
                            + ": the private key is encrypted; decrypt it first (openssl pkey -in key.pem -out plain.pem)");
                    default -> throw new IllegalArgumentException(file + ": unsupported key type " + type);
                };
            } catch (GeneralSecurityException | IndexOutOfBoundsException e) {
                throw new IllegalArgumentException(file + ": the " + type + " cannot be read: " + e.getMessage());
            }
        }
        throw new IllegalArgumentException(file + ": no PEM private key (BEGIN PRIVATE KEY) in it");
    }

    /** PKCS#8 names its algorithm inside; the JDK still wants it named, so each family the JDK serves TLS with is tried. */
    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }

    /** A signature made with the key verifies with the certificate's public key exactly when they are a pair. */
    private static boolean belongTogether(PrivateKey key, PublicKey certified) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certified);
            verifier.update(probe);
            return verifier.verify(signer.sign());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** SEC1's ECPrivateKey carries its curve as the OID in the optional {@code [0]} field; PKCS#8 needs it outside. */
    private static byte[] curveOf(byte[] sec1) throws GeneralSecurityException {
        int[] seq = header(sec1, 0);
        int at = seq[0];
        int end = seq[0] + seq[1];
        while (at < end) {
            int tag = sec1[at] & 0xff;
            int[] field = header(sec1, at);
            if (tag == 0xa0) {
                int[] oid = header(sec1, field[0]);
                byte[] out = new byte[oid[0] + oid[1] - field[0]];
                System.arraycopy(sec1, field[0], out, 0, out.length);
                return out;
            }
            at = field[0] + field[1];
        }
        throw new GeneralSecurityException("the EC key does not name its curve");
    }

    /** The content offset and length of the DER element at {@code at}. */
    private static int[] header(byte[] der, int at) {
        int first = der[at + 1] & 0xff;
        if (first < 0x80) {
            return new int[] {at + 2, first};
        }
        int count = first & 0x7f;
        int length = 0;
        for (int i = 0; i < count; i++) {
            length = length << 8 | der[at + 2 + i] & 0xff;
        }
        return new int[] {at + 2 + count, length};
    }

    private static byte[] sequence(byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            content.writeBytes(part);
        }
        return element(0x30, content.toByteArray());
    }

    private static byte[] octetString(byte[] content) {
        return element(0x04, content);
    }

    private static byte[] element(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] read(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot be read: " + e);
        }
    }
}
