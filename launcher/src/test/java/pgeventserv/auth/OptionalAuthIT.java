package pgeventserv.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import pgeventserv.LaunchedServer;
import pgeventserv.RawHttp;
import pgeventserv.TestDatabase;
import pgeventserv.WebSocketClient;

/**
 * {@code AuthRequired = false}: no token gets the rights of {@code Channels}; a token, its own rights. With the
 * default {@code CORSOrigins = "*"}, a token in the cookie is not read at all.
 */
class OptionalAuthIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    static LaunchedServer server;
    static TestDatabase db;

    @BeforeAll
    static void boot() throws Exception {
        db = new TestDatabase();
        server = LaunchedServer.onLoopback("auth-optional", TestDatabase.URL,
                Map.of("Channels", "it*", "JwtSecret", AuthIT.SECRET, "AuthRequired", "false"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void withoutATokenEveryAllowedChannelIsOpen() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_anon");
        try (WebSocketClient client = WebSocketClient.connect(server.listenUri(channel))) {
            db.notify(channel, "anyone");
            assertEquals("anyone", client.next(WAIT));
        }
        assertEquals(403, RawHttp.upgrade(server.base(), "/listen/outside").status(), "Channels still applies");
    }

    @Test
    void aTokenStillLimitsToItsChannels() throws Exception {
        String token = AuthIT.token("it_mine_*");
        assertEquals(403, RawHttp.upgrade(server.base(), "/listen/it_theirs", "Authorization: Bearer " + token).status());
        String channel = TestDatabase.uniqueChannel("it_mine_");
        try (WebSocketClient client = WebSocketClient.connect(server.listenUri(channel), HttpClient.newHttpClient(),
                "Authorization", "Bearer " + token)) {
            db.notify(channel, "mine");
            assertEquals("mine", client.next(WAIT));
        }
    }

    @Test
    void whileAnyOriginMayConnectACookieIsIgnoredAndTheStartSaysSo() throws Exception {
        String cookie = "Cookie: pg_eventserv_token=nonsense";
        assertEquals(101, RawHttp.upgrade(server.base(), "/listen/it_cookie", cookie).status(),
                "the bad token in the cookie is not read: the client is anonymous");
        assertEquals(101, RawHttp.upgrade(server.base(), "/listen/it_theirs",
                "Cookie: pg_eventserv_token=" + AuthIT.token("it_mine_*")).status(),
                "nor is a good one, which would limit it to its own channels");
        assertEquals(1, server.logLines(java.util.regex.Pattern.compile(
                ".*the cookie pg_eventserv_token is ignored while CORSOrigins is \"\\*\".*")));
    }

    @Test
    void aBadTokenIsStill401() throws Exception {
        assertEquals(401, RawHttp.upgrade(server.base(), "/listen/it_x", "Authorization: Bearer nonsense").status());
    }
}
