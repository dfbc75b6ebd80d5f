package pgeventserv.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pgeventserv.access.OriginPolicy;

/** What the start says, or refuses, about the settings of authentication. */
class AuthorizerStartTest {

    private final List<String> warnings = new ArrayList<>();
    private final List<String> infos = new ArrayList<>();
    private final Logger log = Logger.getLogger(Authorizer.class.getName());
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            (record.getLevel().intValue() >= Level.WARNING.intValue() ? warnings : infos).add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @TempDir
    Path dir;

    @BeforeEach
    void listen() {
        log.addHandler(handler);
    }

    @AfterEach
    void stop() {
        log.removeHandler(handler);
    }

    private static Authorizer authorizer(Optional<String> secret, Optional<String> keyFile, Optional<String> issuer,
            Optional<String> audience, String corsOrigins) {
        Authorizer authorizer = new Authorizer();
        authorizer.secret = secret;
        authorizer.publicKeyFile = keyFile;
        authorizer.issuer = issuer;
        authorizer.audience = audience;
        authorizer.channelsClaim = "channels";
        authorizer.queryParameter = Optional.empty();
        authorizer.authRequired = Optional.empty();
        authorizer.functionName = Optional.empty();
        authorizer.origins = new OriginPolicy() {
            @Override
            public boolean anyOrigin() {
                return "*".equals(corsOrigins);
            }
        };
        return authorizer;
    }

    @Test
    void aJwtSecretShorterThan32BytesStopsTheStartSayingWhy() {
        Authorizer authorizer = authorizer(Optional.of("thirty-one bytes, one too few.."), Optional.empty(),
                Optional.empty(), Optional.empty(), "https://app.example");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, authorizer::init);
        assertTrue(e.getMessage().startsWith("JwtSecret is 31 bytes: HS256 needs at least 32"), e.getMessage());
    }

    @Test
    void aPublicKeyWithoutIssuerOrAudienceStartsWithOneWarning() throws Exception {
        Path key = Files.writeString(dir.resolve("k.pem"),
                TestTokens.pem("PUBLIC KEY", TestTokens.rsa().getPublic().getEncoded()));
        authorizer(Optional.empty(), Optional.of(key.toString()), Optional.of("https://issuer.example"),
                Optional.empty(), "https://app.example").init();
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("JwtPublicKeyFile without JwtAudience"), warnings.get(0));
        warnings.clear();
        authorizer(Optional.empty(), Optional.of(key.toString()), Optional.of("https://issuer.example"),
                Optional.of("events"), "https://app.example").init();
        assertEquals(List.of(), warnings);
    }

    @Test
    void whileAnyOriginMayConnectTheStartSaysTheCookieIsIgnored() {
        authorizer(Optional.of(TestTokens.SECRET), Optional.empty(), Optional.empty(), Optional.empty(), "*").init();
        assertEquals(1, infos.stream().filter(l -> l.startsWith("the cookie pg_eventserv_token is ignored")).count(),
                infos.toString());
        infos.clear();
        authorizer(Optional.of(TestTokens.SECRET), Optional.empty(), Optional.empty(), Optional.empty(),
                "https://app.example").init();
        assertEquals(0, infos.stream().filter(l -> l.contains("cookie")).count(), infos.toString());
    }
}
