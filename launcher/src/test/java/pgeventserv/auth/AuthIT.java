package pgeventserv.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import pgeventserv.LaunchedServer;
import pgeventserv.RawHttp;
import pgeventserv.TestDatabase;
import pgeventserv.WebSocketClient;

/**
 * Authentication and authorization end to end, on a server of its own started with {@code JwtSecret}, an
 * {@code AuthorizeFunction} (made here, uniquely named, dropped after: it refuses channels containing
 * {@code fdeny} and counts its calls in a table), {@code JwtQueryParameter} and {@code --debug}: every way a token
 * may come, every refusal as plain HTTP before any upgrade or stream, the multiplexed session's {@code auth}
 * message, expiry mid-session, and a storm of handshakes the function's cache absorbs.
 */
class AuthIT {

    static final String SECRET = "an integration test secret, thirty-two bytes or more";
    private static final String ENVELOPE = "pg_eventserv.envelope.v1";
    private static final String SUFFIX = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
    private static final String FUNCTION = "auth_it_" + SUFFIX;
    private static final String CALLS = "auth_it_calls_" + SUFFIX;
    private static final Duration WAIT = Duration.ofSeconds(20);

    static LaunchedServer server;
    static TestDatabase db;
    /** Every token made here, to check that none reaches the server's log. */
    static final List<String> tokens = new ArrayList<>();

    @BeforeAll
    static void boot() throws Exception {
        db = new TestDatabase();
        db.execute("CREATE TABLE " + CALLS + " (subject text, channel text)");
        db.execute("CREATE FUNCTION " + FUNCTION + "(claims jsonb, channel text) RETURNS boolean LANGUAGE plpgsql AS $$"
                + " BEGIN INSERT INTO " + CALLS + " VALUES (claims->>'sub', channel); RETURN channel NOT LIKE '%fdeny%'; END $$");
        Map<String, String> settings = new HashMap<>();
        settings.put("Channels", "it*");
        settings.put("JwtSecret", SECRET);
        settings.put("JwtQueryParameter", "access_token");
        settings.put("AuthorizeFunction", FUNCTION);
        settings.put("Debug", "true");
        // Named origins: with "*" the cookie would be ignored.
        settings.put("CORSOrigins", "https://app.example");
        server = LaunchedServer.onLoopback("auth", TestDatabase.URL, settings);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            if (db != null) {
                db.execute("DROP FUNCTION IF EXISTS " + FUNCTION + "(jsonb, text)");
                db.execute("DROP TABLE IF EXISTS " + CALLS);
                db.close();
            }
        }
    }

    static String token(String subject, long expiresInSeconds, String... channels) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setSubject(subject);
        NumericDate exp = NumericDate.now();
        exp.addSeconds(expiresInSeconds);
        claims.setExpirationTime(exp);
        claims.setIssuedAt(NumericDate.fromSeconds(exp.getValue() - 3600));
        claims.setStringListClaim("channels", List.of(channels));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue("HS256");
        jws.setKey(new HmacKey(SECRET.getBytes(StandardCharsets.UTF_8)));
        String token = jws.getCompactSerialization();
        synchronized (tokens) {
            tokens.add(token);
        }
        return token;
    }

    static String token(String... channels) throws Exception {
        return token("alice", 3600, channels);
    }

    private static URI multiplexed() {
        return URI.create("ws://127.0.0.1:" + server.base().getPort() + "/listen");
    }

    private static JsonObject json(String message) {
        assertNotNull(message, "a message arrived");
        return Json.createReader(new StringReader(message)).readObject();
    }

    private static String command(String type, String field, String value) {
        return Json.createObjectBuilder().add("type", type).add(field, value).build().toString();
    }

    private static long refusals(String reason) throws Exception {
        String metrics = RawHttp.get(server.base(), "/metrics").body();
        Matcher m = Pattern.compile("(?m)^pg_eventserv_auth_refusals\\{[^}]*reason=\"" + reason + "\"[^}]*\\} (\\S+)$")
                .matcher(metrics);
        assertTrue(m.find(), "the refusals metric for " + reason + " in:\n" + metrics);
        return (long) Double.parseDouble(m.group(1));
    }

    // ---- 401 and 403 as plain HTTP, before any upgrade or stream

    @Test
    void upgradeWithoutATokenIs401WithABearerChallenge() throws Exception {
        long before = refusals("missing");
        RawHttp.Response refused = RawHttp.upgrade(server.base(), "/listen/" + TestDatabase.uniqueChannel("it_none"));
        assertEquals(401, refused.status(), refused.head());
        assertEquals("Bearer realm=\"pg_eventserv\"", refused.header("WWW-Authenticate"));
        assertTrue(refusals("missing") > before, "counted as missing");
    }

    @Test
    void eventStreamWithoutATokenIs401() throws Exception {
        RawHttp.Response refused = RawHttp.get(server.base(), "/listen/" + TestDatabase.uniqueChannel("it_none"),
                "Accept: text/event-stream");
        assertEquals(401, refused.status(), refused.head());
        assertTrue(refused.header("WWW-Authenticate").startsWith("Bearer"), refused.head());
        RawHttp.Response several = RawHttp.get(server.base(), "/listen?channel=it_a&channel=it_b",
                "Accept: text/event-stream");
        assertEquals(401, several.status(), several.head());
    }

    @Test
    void eventStreamForAChannelTheTokenDoesNotCoverIs403() throws Exception {
        String token = token("it_mine_*");
        RawHttp.Response refused = RawHttp.get(server.base(), "/listen?channel=it_mine_a&channel=it_theirs",
                "Accept: text/event-stream", "Authorization: Bearer " + token);
        assertEquals(403, refused.status(), refused.head());
        assertTrue(refused.body().contains("it_theirs"), refused.body());
    }

    @Test
    void anInvalidTokenIs401InvalidToken() throws Exception {
        long before = refusals("invalid");
        String good = token("it*");
        String forged = good.substring(0, good.lastIndexOf('.') + 1) + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        RawHttp.Response refused = RawHttp.upgrade(server.base(), "/listen/it_x", "Authorization: Bearer " + forged);
        assertEquals(401, refused.status(), refused.head());
        assertTrue(refused.header("WWW-Authenticate").contains("error=\"invalid_token\""), refused.head());
        assertTrue(refusals("invalid") > before, "counted as invalid");
    }

    @Test
    void anExpiredTokenIs401TokenExpired() throws Exception {
        long before = refusals("expired");
        RawHttp.Response refused = RawHttp.upgrade(server.base(), "/listen/it_x",
                "Authorization: Bearer " + token("alice", -3600, "it*"));
        assertEquals(401, refused.status(), refused.head());
        assertTrue(refused.header("WWW-Authenticate").contains("token expired"), refused.head());
        assertTrue(refusals("expired") > before, "counted as expired");
    }

    @Test
    void aChannelTheTokenDoesNotCoverIs403() throws Exception {
        long before = refusals("channel");
        RawHttp.Response refused = RawHttp.upgrade(server.base(), "/listen/it_theirs",
                "Authorization: Bearer " + token("it_mine_*"));
        assertEquals(403, refused.status(), refused.head());
        assertTrue(refusals("channel") > before, "counted as channel");
    }

    @Test
    void theFunctionAllowsOneChannelAndRefusesAnother() throws Exception {
        long before = refusals("function");
        String token = token("fn", 3600, "it*");
        RawHttp.Response refused = RawHttp.upgrade(server.base(), "/listen/it_fdeny_" + SUFFIX,
                "Authorization: Bearer " + token);
        assertEquals(403, refused.status(), refused.head());
        assertTrue(refusals("function") > before, "counted as function");
        RawHttp.Response admitted = RawHttp.upgrade(server.base(), "/listen/it_fallow_" + SUFFIX,
                "Authorization: Bearer " + token);
        assertEquals(101, admitted.status(), admitted.head());
    }

    // ---- tokens delivered: header, cookie, query parameter, first message

    @Test
    void aTokenInTheHeaderListensOnARawWebSocket() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_hdr");
        try (WebSocketClient client = WebSocketClient.connect(server.listenUri(channel),
                java.net.http.HttpClient.newHttpClient(), "Authorization", "Bearer " + token("it_hdr*"))) {
            db.notify(channel, "by header");
            assertEquals("by header", client.next(WAIT));
        }
    }

    @Test
    void aTokenInTheCookieListensOnARawWebSocket() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_cookie");
        try (WebSocketClient client = WebSocketClient.connect(server.listenUri(channel),
                java.net.http.HttpClient.newHttpClient(), "Cookie", "pg_eventserv_token=" + token("it_cookie*"))) {
            db.notify(channel, "by cookie");
            assertEquals("by cookie", client.next(WAIT));
        }
    }

    @Test
    void aTokenInTheConfiguredQueryParameterListens() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_query");
        URI uri = URI.create(server.listenUri(channel) + "?access_token="
                + URLEncoder.encode(token("it_query*"), StandardCharsets.UTF_8));
        try (WebSocketClient client = WebSocketClient.connect(uri)) {
            db.notify(channel, "by parameter");
            assertEquals("by parameter", client.next(WAIT));
        }
    }

    @Test
    void anEnvelopeWebSocketWithACookieListens() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_envc");
        try (WebSocketClient client = WebSocketClient.connectOffering(server.listenUri(channel), ENVELOPE,
                "Cookie", "pg_eventserv_token=" + token("it_envc*"))) {
            db.notify(channel, "enveloped");
            JsonObject message = json(client.next(WAIT));
            assertEquals("notification", message.getString("type"));
            assertEquals("enveloped", message.getString("payload"));
        }
    }

    @Test
    void aMultiplexedSessionAuthenticatesWithItsFirstMessageAndIsCheckedPerSubscribe() throws Exception {
        String mine = TestDatabase.uniqueChannel("it_mux");
        String denied = "it_mux_fdeny_" + SUFFIX;
        try (WebSocketClient client = WebSocketClient.connect(multiplexed(), ENVELOPE)) {
            client.socket().sendText(command("auth", "token", token("it_mux*")), true).join();
            client.socket().sendText(command("subscribe", "channel", mine), true).join();
            JsonObject subscribed = json(client.next(WAIT));
            assertEquals("subscribed", subscribed.getString("type"), subscribed.toString());

            client.socket().sendText(command("subscribe", "channel", "it_other"), true).join();
            JsonObject notCovered = json(client.next(WAIT));
            assertEquals("refused", notCovered.getString("type"));
            assertEquals(403, notCovered.getInt("status"));

            client.socket().sendText(command("subscribe", "channel", denied), true).join();
            JsonObject byFunction = json(client.next(WAIT));
            assertEquals("refused", byFunction.getString("type"));
            assertEquals(403, byFunction.getInt("status"));

            db.notify(mine, "muxed");
            assertEquals("muxed", json(client.next(WAIT)).getString("payload"));
        }
    }

    @Test
    void aMultiplexedSessionMaySubscribeOnlyOnceAuthenticated() throws Exception {
        try (WebSocketClient client = WebSocketClient.connect(multiplexed(), ENVELOPE)) {
            client.socket().sendText(command("subscribe", "channel", "it_early"), true).join();
            JsonObject refused = json(client.next(WAIT));
            assertEquals("refused", refused.getString("type"));
            assertEquals(401, refused.getInt("status"));
        }
    }

    @Test
    void aMultiplexedSessionThatNeverAuthenticatesGetsAnErrorAndClose1008() throws Exception {
        try (WebSocketClient client = WebSocketClient.connect(multiplexed(), ENVELOPE)) {
            JsonObject error = json(client.next(WAIT));
            assertEquals("error", error.getString("type"));
            WebSocketClient.Close close = client.awaitClose(WAIT);
            assertEquals(1008, close.code());
        }
    }

    @Test
    void aBadAuthMessageGetsAnErrorAndClose1008() throws Exception {
        try (WebSocketClient client = WebSocketClient.connect(multiplexed(), ENVELOPE)) {
            client.socket().sendText(command("auth", "token", "not-a-token"), true).join();
            assertEquals("error", json(client.next(WAIT)).getString("type"));
            assertEquals(1008, client.awaitClose(WAIT).code());
        }
    }

    @Test
    void aMultiplexedSessionWithAnInvalidTokenInTheHeaderIs401BeforeTheUpgrade() throws Exception {
        RawHttp.Response refused = RawHttp.upgrade(server.base(), "/listen", "Sec-WebSocket-Protocol: " + ENVELOPE,
                "Authorization: Bearer nonsense");
        assertEquals(401, refused.status(), refused.head());
    }

    // ---- expiry

    /** Accepted within the 30 s leeway, it runs out about 5 s later: the session ends then. */
    @Test
    void aRawSessionIsClosedWith1008WhenItsTokenExpires() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_exp");
        try (WebSocketClient client = WebSocketClient.connect(server.listenUri(channel),
                java.net.http.HttpClient.newHttpClient(), "Authorization", "Bearer " + token("bob", -25, "it_exp*"))) {
            WebSocketClient.Close close = client.awaitClose(WAIT);
            assertEquals(1008, close.code());
            assertEquals("token expired", close.reason());
        }
    }

    @Test
    void anEventStreamDeliversWithAHeaderTokenAndEndsWithAnErrorEventWhenItExpires() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_sexp");
        try (pgeventserv.EventStreamClient stream = pgeventserv.EventStreamClient.open(server.base(), "/listen/" + channel,
                "Accept: text/event-stream", "Authorization: Bearer " + token("carol", -25, "it_sexp*"))) {
            assertEquals(200, stream.status(), stream.head());
            db.notify(channel, "before it expires");
            assertEquals("before it expires", stream.next(WAIT).data());
            pgeventserv.EventStreamClient.Event error = stream.next(WAIT);
            assertEquals("error", error.type(), String.valueOf(error));
            assertTrue(error.data().contains("token expired"), error.data());
            assertNull(stream.next(WAIT), "then the end of the stream");
            assertTrue(stream.ended());
        }
    }

    @Test
    void anEventStreamTakesItsTokenFromTheCookie() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_scookie");
        try (pgeventserv.EventStreamClient stream = pgeventserv.EventStreamClient.open(server.base(), "/listen/" + channel,
                "Accept: text/event-stream", "Cookie: pg_eventserv_token=" + token("it_scookie*"))) {
            assertEquals(200, stream.status(), stream.head());
            db.notify(channel, "by cookie");
            assertEquals("by cookie", stream.next(WAIT).data());
        }
    }

    @Test
    void aMultiplexedSessionIsClosedWhenItsTokenExpiresUnlessAFreshOneCame() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_exm");
        try (WebSocketClient expiring = WebSocketClient.connect(multiplexed(), ENVELOPE);
             WebSocketClient extended = WebSocketClient.connect(multiplexed(), ENVELOPE)) {
            for (WebSocketClient client : List.of(expiring, extended)) {
                client.socket().sendText(command("auth", "token", token("carol", -25, "it_exm*")), true).join();
                client.socket().sendText(command("subscribe", "channel", channel), true).join();
                assertEquals("subscribed", json(client.next(WAIT)).getString("type"));
            }
            extended.socket().sendText(command("auth", "token", token("carol", 3600, "it_exm*")), true).join();

            WebSocketClient.Close close = expiring.awaitClose(WAIT);
            assertEquals(1008, close.code());
            assertEquals("token expired", close.reason());

            db.notify(channel, "still here");
            assertEquals("still here", json(extended.next(WAIT)).getString("payload"));
            assertFalse(extended.isClosed(), "the fresh token extended the session");
        }
    }

    // ---- the function's cache and the log

    /**
     * 1,000 handshakes from 4 tokens on 2 channels: the function is asked at most once per token and channel in
     * each 10 s its answers are kept, however the handshakes interleave.
     */
    @Test
    void aStormOfHandshakesAsksTheFunctionOncePerTokenAndChannel() throws Exception {
        List<String> stormTokens = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            stormTokens.add(token("storm-" + i, 3600, "it*"));
        }
        List<String> channels = List.of("it_storm_a_" + SUFFIX, "it_storm_b_" + SUFFIX);
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                String token = stormTokens.get(i % 4);
                String channel = channels.get((i / 4) % 2);
                statuses.add(pool.submit(() -> RawHttp.upgrade(server.base(), "/listen/" + channel,
                        "Authorization: Bearer " + token).status()));
            }
            for (Future<Integer> status : statuses) {
                assertEquals(101, status.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        long windows = 1 + (System.nanoTime() - start) / 10_000_000_000L;
        try (Statement statement = db.connection().createStatement();
             ResultSet calls = statement.executeQuery("SELECT subject, channel, count(*) FROM " + CALLS
                     + " WHERE subject LIKE 'storm-%' GROUP BY 1, 2")) {
            int pairs = 0;
            while (calls.next()) {
                pairs++;
                assertTrue(calls.getLong(3) <= windows, calls.getString(1) + " on " + calls.getString(2) + ": "
                        + calls.getLong(3) + " calls in " + windows + " cache periods");
            }
            assertEquals(8, pairs, "every token and channel was asked about");
        }
    }

    @Test
    void noTokenReachesTheLogEvenWithDebug() throws Exception {
        String token = token("it_log*");
        RawHttp.upgrade(server.base(), "/listen/it_log_x", "Authorization: Bearer " + token);
        RawHttp.upgrade(server.base(), "/listen/it_other", "Authorization: Bearer " + token);
        RawHttp.upgrade(server.base(), "/listen/it_log_x", "Authorization: Bearer " + token + "x");
        String log = server.log();
        assertTrue(log.contains("refused 403"), "--debug logs refusals");
        List<String> made;
        synchronized (tokens) {
            made = List.copyOf(tokens);
        }
        for (String t : made) {
            String signature = t.substring(t.lastIndexOf('.') + 1);
            assertFalse(log.contains(signature), "a token's signature is in the log");
            assertFalse(log.contains(t.substring(0, t.indexOf('.', t.indexOf('.') + 1))), "a token's header and claims are in the log");
        }
    }
}
