package pgeventserv;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Certificates and keys for TLS tests, made by openssl (Debian's, on the machine) in the forms operators have. */
public final class Pem {

    public record Pair(Path certificate, Path key) {
    }

    private Pem() {
    }

    /** A self-signed certificate for localhost and 127.0.0.1; {@code newKey} is openssl's -newkey (rsa:2048, ec). */
    public static Pair selfSigned(Path dir, String name, String newKey) throws IOException, InterruptedException {
        Path cert = dir.resolve(name + "-cert.pem");
        Path key = dir.resolve(name + "-key.pem");
        List<String> command = new ArrayList<>(List.of("openssl", "req", "-x509", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key.toString(), "-out", cert.toString()));
        if (newKey.equals("ec")) {
            command.addAll(List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"));
        } else {
            command.addAll(List.of("-newkey", newKey));
        }
        run(command);
        return new Pair(cert, key);
    }

    /** A certificate signed by a new authority: the certificate file holds the chain, leaf first. */
    public static Pair signedByNewAuthority(Path dir) throws IOException, InterruptedException {
        Pair ca = selfSigned(dir, "ca", "ec");
        Path key = dir.resolve("leaf-key.pem");
        Path request = dir.resolve("leaf.csr");
        Path leaf = dir.resolve("leaf-cert.pem");
        run(List.of("openssl", "req", "-new", "-nodes", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-subj", "/CN=localhost", "-keyout", key.toString(), "-out", request.toString()));
        run(List.of("openssl", "x509", "-req", "-in", request.toString(), "-CA", ca.certificate().toString(),
                "-CAkey", ca.key().toString(), "-CAcreateserial", "-days", "2", "-out", leaf.toString()));
        Path chain = dir.resolve("chain.pem");
        java.nio.file.Files.writeString(chain, java.nio.file.Files.readString(leaf) + java.nio.file.Files.readString(ca.certificate()));
        return new Pair(chain, key);
    }

    /** The key in its pre-PKCS#8 form: PKCS#1 for RSA, SEC1 for EC. */
    public static Path traditional(Path dir, Path key) throws IOException, InterruptedException {
        Path out = dir.resolve(key.getFileName() + ".traditional.pem");
        run(List.of("openssl", "pkey", "-in", key.toString(), "-traditional", "-out", out.toString()));
        return out;
    }

    public static Path encrypted(Path dir, Path key) throws IOException, InterruptedException {
        Path out = dir.resolve(key.getFileName() + ".encrypted.pem");
        run(List.of("openssl", "pkcs8", "-topk8", "-in", key.toString(), "-passout", "pass:secret", "-out", out.toString()));
        return out;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
