package pgeventserv.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import pgeventserv.LaunchedServer;
import pgeventserv.Pem;
import pgeventserv.RawHttp;
import pgeventserv.RawHttp.Response;
import pgeventserv.TestDatabase;

/**
 * {@code pg_eventserv.jar} started as a user of the original would start it: in a directory holding
 * {@code config/pg_eventserv.toml}, a copy of the original's example file with every line uncommented, and the
 * {@code server.crt} and {@code server.key} it names. Only what cannot be shared on a test machine is overridden
 * through the environment: the database ({@code DATABASE_URL}, which beats the example's {@code DbConnection})
 * and the two ports. The environment also holds {@code CHANNELS=x*} beside {@code ES_CHANNELS=y*}: the
 * {@code ES_} variable must win, as in the original, where the plain one means nothing.
 */
class OriginalConfigIT {

    static Path dir;
    static LaunchedServer server;
    static int https;

    @BeforeAll
    static void boot() throws Exception {
        dir = Files.createTempDirectory("original-config-it");
        Pem.Pair tls = Pem.selfSigned(dir, "generated", "ec");
        Files.move(tls.certificate(), dir.resolve("server.crt"));
        Files.move(tls.key(), dir.resolve("server.key"));
        Files.writeString(Files.createDirectories(dir.resolve("config")).resolve("pg_eventserv.toml"), upstreamExampleUncommented());
        int http = LaunchedServer.freePort();
        https = LaunchedServer.freePort();
        server = LaunchedServer.start("original-config", Map.of(
                "DATABASE_URL", TestDatabase.URL,
                "ES_HTTPPORT", Integer.toString(http),
                "ES_HTTPSPORT", Integer.toString(https),
                "CHANNELS", "x*",
                "ES_CHANNELS", "y*"), "http://127.0.0.1:" + http + "/", dir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static String upstreamExampleUncommented() throws Exception {
        // The copy the settings module's tests use too (tests run in the repository's root).
        String example = Files.readString(Path.of("settings/src/test/resources/upstream/pg_eventserv.toml.example"));
        return Arrays.stream(example.split("\n"))
                .map(line -> line.matches("# [A-Za-z]+ = .*") ? line.substring(2) : line)
                .collect(Collectors.joining("\n"));
    }

    @Test
    void esChannelsWinsOverAPlainChannelsVariable() throws Exception {
        assertEquals(101, RawHttp.upgrade(server.base(), "/listen/" + TestDatabase.uniqueChannel("y1")).status());
        Response refused = RawHttp.upgrade(server.base(), "/listen/x1");
        assertEquals(403, refused.status());
        assertEquals("requested channel 'x1' is not allowed", refused.body().trim());
    }

    /** AssetsPath = "/usr/share/pg_eventserv/assets" names nothing here: one warning, the built-in viewer. */
    @Test
    void aMissingAssetsPathIsOneWarningAndTheBuiltInViewer() throws Exception {
        Response page = server.get("/");
        assertEquals(200, page.status());
        assertTrue(page.body().contains("<title>pg_eventserv</title>"), page.body());
        assertTrue(page.body().contains("\"urlBase\":\"http://localhost/\""), "UrlBase from the file reaches the viewer");
        server.get("/index.html");
        assertEquals(1, server.logLines(Pattern.compile("AssetsPath /usr/share/pg_eventserv/assets is not a directory")),
                server.log());
    }

    /** TlsServerCertificateFile = "server.crt" and its key, relative to where the server runs, serve HTTPS. */
    @Test
    void theExamplesTlsFilesServeHttps() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", PemKeyStore.certificates(dir.resolve("server.crt")).get(0));
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        HttpResponse<String> page = HttpClient.newBuilder().sslContext(context).build()
                .send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + https + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
    }
}
