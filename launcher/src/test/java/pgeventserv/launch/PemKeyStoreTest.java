package pgeventserv.launch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pgeventserv.Pem;

/** PEM files as openssl writes them, in each form operators meet, made fresh by the test. */
class PemKeyStoreTest {

    private static final char[] PASSWORD = "test-password".toCharArray();

    @TempDir
    Path dir;

    @Test
    void rsaKeyInPkcs8() throws Exception {
        Pem.Pair pair = Pem.selfSigned(dir, "rsa", "rsa:2048");
        assertKeyStoreHolds(pair, 1);
    }

    @Test
    void rsaKeyInPkcs1() throws Exception {
        Pem.Pair pair = Pem.selfSigned(dir, "rsa1", "rsa:2048");
        Path traditional = Pem.traditional(dir, pair.key());
        assertTrue(Files.readString(traditional).contains("BEGIN RSA PRIVATE KEY"));
        assertKeyStoreHolds(new Pem.Pair(pair.certificate(), traditional), 1);
    }

    @Test
    void ecKeyInPkcs8() throws Exception {
        assertKeyStoreHolds(Pem.selfSigned(dir, "ec", "ec"), 1);
    }

    @Test
    void ecKeyInSec1WithItsParametersBlock() throws Exception {
        Pem.Pair pair = Pem.selfSigned(dir, "ec1", "ec");
        Path traditional = Pem.traditional(dir, pair.key());
        Path withParameters = dir.resolve("ec-with-params.pem");
        Files.writeString(withParameters, "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                + Files.readString(traditional));
        assertTrue(Files.readString(withParameters).contains("BEGIN EC PRIVATE KEY"));
        assertKeyStoreHolds(new Pem.Pair(pair.certificate(), withParameters), 1);
    }

    @Test
    void aChainKeepsItsOrderLeafFirst() throws Exception {
        Pem.Pair leaf = Pem.signedByNewAuthority(dir);
        KeyStore store = assertKeyStoreHolds(leaf, 2);
        Certificate[] chain = store.getCertificateChain(PemKeyStore.ALIAS);
        assertEquals(PemKeyStore.certificates(leaf.certificate()).get(0), chain[0]);
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() throws Exception {
        Pem.Pair one = Pem.selfSigned(dir, "one", "ec");
        Pem.Pair other = Pem.selfSigned(dir, "other", "ec");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PemKeyStore.load(one.certificate(), other.key(), PASSWORD));
        assertTrue(e.getMessage().contains("does not belong to the certificate"), e.getMessage());
    }

    @Test
    void anEncryptedKeyIsRefusedWithAHint() throws Exception {
        Pem.Pair pair = Pem.selfSigned(dir, "enc", "ec");
        Path encrypted = Pem.encrypted(dir, pair.key());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PemKeyStore.load(pair.certificate(), encrypted, PASSWORD));
        assertTrue(e.getMessage().contains("encrypted"), e.getMessage());
    }

    @Test
    void filesWithoutPemAreRefusedByName() throws Exception {
        Pem.Pair pair = Pem.selfSigned(dir, "ok", "ec");
        Path junk = Files.writeString(dir.resolve("junk.pem"), "not pem at all\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PemKeyStore.load(junk, pair.key(), PASSWORD))
                .getMessage().startsWith(junk.toString()));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PemKeyStore.load(pair.certificate(), junk, PASSWORD))
                .getMessage().startsWith(junk + ": no PEM private key"));
        Path missing = dir.resolve("missing.pem");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PemKeyStore.load(missing, pair.key(), PASSWORD))
                .getMessage().startsWith(missing + ": cannot be read"));
    }

    private static KeyStore assertKeyStoreHolds(Pem.Pair pair, int chainLength) throws IOException, Exception {
        KeyStore store = PemKeyStore.load(pair.certificate(), pair.key(), PASSWORD);
        PrivateKey key = (PrivateKey) store.getKey(PemKeyStore.ALIAS, PASSWORD);
        assertArrayEquals(PemKeyStore.privateKey(pair.key()).getEncoded(), key.getEncoded());
        assertEquals(chainLength, store.getCertificateChain(PemKeyStore.ALIAS).length);
        return store;
    }
}
