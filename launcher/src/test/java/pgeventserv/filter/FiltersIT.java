package pgeventserv.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import pgeventserv.EventStreamClient;
import pgeventserv.LaunchedServer;
import pgeventserv.RawHttp;
import pgeventserv.TestDatabase;
import pgeventserv.WebSocketClient;

/**
 * Server-side filters end to end (DESIGN §13), on a server of its own with {@code JwtSecret} (tokens optional, so
 * clients without one filter for themselves) and an {@code AuthorizeFunction} that returns {@code text[]}: a filter
 * on the token's {@code tenant} claim for channels {@code itf_fn*}. The per-tenant token never receives another
 * tenant's row on a raw WebSocket, an event stream (one channel and several) or a multiplexed session, whatever
 * filter the client asks for; a filter that cannot be read is refused before any upgrade or stream; a resuming
 * filtered client gets exactly the retained rows that match, then live ones.
 */
class FiltersIT {

    private static final String SECRET = "a filters integration test secret, thirty-two bytes or more";
    private static final String ENVELOPE = "pg_eventserv.envelope.v1";
    private static final String FUNCTION = "filters_it_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Long enough for a row that should not come to have come. */
    private static final Duration QUIET = Duration.ofMillis(500);

    static LaunchedServer server;
    static TestDatabase db;

    @BeforeAll
    static void boot() throws Exception {
        db = new TestDatabase();
        db.execute("CREATE FUNCTION " + FUNCTION + "(claims jsonb, channel text) RETURNS text[] LANGUAGE sql AS $$"
                + " SELECT CASE WHEN channel NOT LIKE 'itf_fn%' THEN ARRAY[]::text[]"
                + " WHEN claims ? 'tenant' THEN ARRAY['tenant=eq.' || (claims->>'tenant')] END $$");
        Map<String, String> settings = new HashMap<>();
        settings.put("JwtSecret", SECRET);
        settings.put("AuthRequired", "false");
        settings.put("AuthorizeFunction", FUNCTION);
        settings.put("MaxFiltersPerSubscriber", "3");
        server = LaunchedServer.onLoopback("filters", TestDatabase.URL, settings);
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
                db.close();
            }
        }
    }

    /** A token for every channel, with a {@code filter} claim when conditions are given. */
    private static String token(Map<String, Object> claimsToAdd, String... filter) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setSubject("tenant-user");
        NumericDate exp = NumericDate.now();
        exp.addSeconds(3600);
        claims.setExpirationTime(exp);
        claims.setStringListClaim("channels", List.of("*"));
        if (filter.length > 0) {
            claims.setStringListClaim("filter", List.of(filter));
        }
        claimsToAdd.forEach(claims::setClaim);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue("HS256");
        jws.setKey(new HmacKey(SECRET.getBytes(StandardCharsets.UTF_8)));
        return jws.getCompactSerialization();
    }

    private static String tenantSeven() throws Exception {
        return token(Map.of(), "tenant=eq.7");
    }

    private static String query(String... conditions) {
        return java.util.Arrays.stream(conditions)
                .map(c -> "filter=" + URLEncoder.encode(c, StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static String row(int tenant, String what) {
        return "{\"tenant\":" + tenant + ",\"what\":\"" + what + "\"}";
    }

    /** Tenant 8's rows around tenant 7's: whatever comes after the last one had its chance to come first. */
    private static void rows(String channel) throws Exception {
        db.notify(channel, row(8, "a"));
        db.notify(channel, row(7, "b"));
        db.notify(channel, "not json");
        db.notify(channel, row(8, "c"));
        db.notify(channel, row(7, "d"));
    }

    private static JsonObject json(String message) {
        assertNotNull(message, "a message arrived");
        return Json.createReader(new StringReader(message)).readObject();
    }

    // ---- the per-tenant token, on every transport, whatever the client asks

    @Test
    void aTenantTokenGetsOnlyItsTenantsRowsOnARawWebSocketWhateverTheClientAsks() throws Exception {
        for (String asked : List.of("", query("tenant=eq.8"), query("tenant=in.(7,8)"), query("tenant=not.eq.7"))) {
            String channel = TestDatabase.uniqueChannel("itf_raw");
            URI uri = URI.create(server.listenUri(channel) + (asked.isEmpty() ? "" : "?" + asked));
            try (WebSocketClient client = WebSocketClient.connect(uri, java.net.http.HttpClient.newHttpClient(),
                    "Authorization", "Bearer " + tenantSeven())) {
                rows(channel);
                db.notify(channel, row(7, "end"));
                List<String> got = new ArrayList<>();
                for (String m; (m = client.next(asked.isEmpty() || asked.contains("in.") ? WAIT : QUIET)) != null; ) {
                    got.add(m);
                    if (m.contains("end")) {
                        break;
                    }
                }
                List<String> expected = asked.isEmpty() || asked.contains("in.")
                        ? List.of(row(7, "b"), row(7, "d"), row(7, "end")) : List.of();
                assertEquals(expected, got, "asked " + asked);
            }
        }
    }

    @Test
    void aTenantTokenGetsOnlyItsTenantsRowsOnEventStreams() throws Exception {
        String channel = TestDatabase.uniqueChannel("itf_sse");
        String other = TestDatabase.uniqueChannel("itf_sse");
        try (EventStreamClient one = EventStreamClient.open(server.base(), "/listen/" + channel + "?"
                        + query("what=neq.b"), "Accept: text/event-stream", "Authorization: Bearer " + tenantSeven());
             EventStreamClient several = EventStreamClient.open(server.base(), "/listen?channel=" + channel
                     + "&channel=" + other, "Accept: text/event-stream", "Authorization: Bearer " + tenantSeven())) {
            assertEquals(200, one.status(), one.head());
            assertEquals(200, several.status(), several.head());
            rows(channel);
            rows(other);
            assertEquals(row(7, "d"), one.next(WAIT).data(), "the token's filter and the client's, both");
            List<String> payloads = new ArrayList<>();
            for (EventStreamClient.Event e : several.take(4, WAIT)) {
                payloads.add(json(e.data()).getString("channel") + " " + json(e.data()).getString("payload"));
            }
            assertEquals(List.of(channel + " " + row(7, "b"), channel + " " + row(7, "d"), other + " " + row(7, "b"),
                    other + " " + row(7, "d")), payloads);
            db.notify(channel, row(8, "late"));
            db.notify(channel, row(7, "last"));
            assertEquals(row(7, "last"), one.next(WAIT).data());
        }
    }

    @Test
    void aTenantTokenGetsOnlyItsTenantsRowsInAMultiplexedSession() throws Exception {
        String channel = TestDatabase.uniqueChannel("itf_mux");
        URI uri = URI.create("ws://127.0.0.1:" + server.base().getPort() + "/listen");
        try (WebSocketClient client = WebSocketClient.connect(uri, ENVELOPE)) {
            client.socket().sendText(Json.createObjectBuilder().add("type", "auth").add("token", tenantSeven())
                    .build().toString(), true).join();
            client.socket().sendText(subscribe(channel, "tenant=in.(7,8)"), true).join();
            assertEquals("subscribed", json(client.next(WAIT)).getString("type"));
            rows(channel);
            assertEquals(row(7, "b"), json(client.next(WAIT)).getString("payload"));
            assertEquals(row(7, "d"), json(client.next(WAIT)).getString("payload"));
            assertEquals(null, client.next(QUIET));
        }
    }

    @Test
    void aFreshTokenThatFiltersAChannelOtherwiseLeavesItWithARefusalAndTheSessionSubscribesAgain() throws Exception {
        String channel = TestDatabase.uniqueChannel("itf_reauth");
        URI uri = URI.create("ws://127.0.0.1:" + server.base().getPort() + "/listen");
        try (WebSocketClient client = WebSocketClient.connect(uri, ENVELOPE)) {
            client.socket().sendText(auth(tenantSeven()), true).join();
            client.socket().sendText(subscribe(channel), true).join();
            assertEquals("subscribed", json(client.next(WAIT)).getString("type"));
            client.socket().sendText(auth(tenantSeven()), true).join();
            client.socket().sendText(auth(token(Map.of(), "tenant=eq.8")), true).join();
            JsonObject refused = json(client.next(WAIT));
            assertEquals("refused", refused.getString("type"), "the same filter kept it; another one does not");
            assertEquals(channel, refused.getString("channel"));
            client.socket().sendText(subscribe(channel), true).join();
            assertEquals("subscribed", json(client.next(WAIT)).getString("type"));
            rows(channel);
            assertEquals(row(8, "a"), json(client.next(WAIT)).getString("payload"));
            assertEquals(row(8, "c"), json(client.next(WAIT)).getString("payload"));
        }
    }

    private static String auth(String token) {
        return Json.createObjectBuilder().add("type", "auth").add("token", token).build().toString();
    }

    private static String subscribe(String channel, String... filter) {
        JsonArrayBuilder conditions = Json.createArrayBuilder();
        for (String c : filter) {
            conditions.add(c);
        }
        return Json.createObjectBuilder().add("type", "subscribe").add("channel", channel).add("filter", conditions)
                .build().toString();
    }

    @Test
    void theFunctionsTextArrayFiltersEachTokenToItsTenant() throws Exception {
        String channel = TestDatabase.uniqueChannel("itf_fn");
        try (WebSocketClient seven = WebSocketClient.connect(server.listenUri(channel),
                java.net.http.HttpClient.newHttpClient(), "Authorization", "Bearer " + token(Map.of("tenant", 7)));
             WebSocketClient eight = WebSocketClient.connect(server.listenUri(channel),
                java.net.http.HttpClient.newHttpClient(), "Authorization", "Bearer " + token(Map.of("tenant", 8)))) {
            rows(channel);
            assertEquals(List.of(row(7, "b"), row(7, "d")), seven.take(2, WAIT));
            assertEquals(List.of(row(8, "a"), row(8, "c")), eight.take(2, WAIT));
            assertEquals(null, seven.next(QUIET));
        }
        RawHttp.Response refused = RawHttp.upgrade(server.base(), "/listen/" + channel,
                "Authorization: Bearer " + token(Map.of()));
        assertEquals(403, refused.status(), "a token without a tenant: the function returns null: " + refused.head());
    }

    // ---- bad filters, before any upgrade or stream

    @Test
    void aFilterThatCannotBeReadIs400NamingItBeforeTheUpgradeOrTheStream() throws Exception {
        String channel = TestDatabase.uniqueChannel("itf_bad");
        RawHttp.Response upgrade = RawHttp.upgrade(server.base(), "/listen/" + channel + "?"
                + query("tenant=eq.7", "age=gt"));
        assertEquals(400, upgrade.status(), upgrade.head());
        assertTrue(upgrade.body().contains("age=gt"), upgrade.body());
        RawHttp.Response stream = RawHttp.get(server.base(), "/listen?channel=" + channel + "&" + query("x=zz.1"),
                "Accept: text/event-stream");
        assertEquals(400, stream.status(), stream.head());
        assertTrue(stream.body().contains("x=zz.1"), stream.body());
        RawHttp.Response tooMany = RawHttp.upgrade(server.base(), "/listen/" + channel + "?"
                + query("a=eq.1", "b=eq.1", "c=eq.1", "d=eq.1"));
        assertEquals(400, tooMany.status(), tooMany.head());
        assertTrue(tooMany.body().contains("at most 3"), tooMany.body());
    }

    @Test
    void aMultiplexedSubscribeWithABadFilterIsRefused400AndTheSessionGoesOn() throws Exception {
        String channel = TestDatabase.uniqueChannel("itf_mbad");
        URI uri = URI.create("ws://127.0.0.1:" + server.base().getPort() + "/listen");
        try (WebSocketClient client = WebSocketClient.connect(uri, ENVELOPE)) {
            client.socket().sendText(subscribe(channel, "n=lt.abc", "n=like"), true).join();
            JsonObject refused = json(client.next(WAIT));
            assertEquals("refused", refused.getString("type"), refused.toString());
            assertEquals(400, refused.getInt("status"));
            assertTrue(refused.getString("reason").contains("n=like"), refused.toString());
            client.socket().sendText(subscribe(channel, "n=lt.abc"), true).join();
            assertEquals("subscribed", json(client.next(WAIT)).getString("type"));
            db.notify(channel, "{\"n\":\"abb\"}");
            db.notify(channel, "{\"n\":\"abd\"}");
            db.notify(channel, "{\"n\":\"aaa\"}");
            assertEquals("{\"n\":\"abb\"}", json(client.next(WAIT)).getString("payload"));
            assertEquals("{\"n\":\"aaa\"}", json(client.next(WAIT)).getString("payload"));
        }
    }

    // ---- resume

    @Test
    void aFilteredClientResumingGetsTheRetainedMatchesInOrderThenLive() throws Exception {
        String channel = TestDatabase.uniqueChannel("itf_res");
        String lastId;
        try (EventStreamClient first = EventStreamClient.open(server.base(), "/listen/" + channel,
                "Accept: text/event-stream")) {
            assertEquals(200, first.status(), first.head());
            db.notify(channel, row(7, "seen"));
            lastId = first.next(WAIT).id();
            rows(channel);
            first.take(5, WAIT);
        }
        try (EventStreamClient back = EventStreamClient.open(server.base(), "/listen/" + channel + "?"
                + query("tenant=eq.7"), "Accept: text/event-stream", "Last-Event-ID: " + lastId)) {
            assertEquals(200, back.status(), back.head());
            List<EventStreamClient.Event> replayed = back.take(2, WAIT);
            assertEquals(List.of(row(7, "b"), row(7, "d")), replayed.stream().map(EventStreamClient.Event::data).toList());
            db.notify(channel, row(8, "live"));
            db.notify(channel, row(7, "live"));
            EventStreamClient.Event live = back.next(WAIT);
            assertEquals(row(7, "live"), live.data(), "no gap notice: only rows for others were skipped");
            assertTrue(live.id().compareTo(replayed.get(1).id()) != 0);
        }
    }
}
