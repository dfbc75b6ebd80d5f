package pgeventserv.listen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import pgeventserv.access.ChannelPolicy;
import pgeventserv.access.OriginPolicy;
import pgeventserv.auth.Authorizer;
import pgeventserv.fanout.Event;
import pgeventserv.fanout.EventIds;
import pgeventserv.fanout.Fanout;
import pgeventserv.fanout.Farewell;
import pgeventserv.fanout.Frame;
import pgeventserv.fanout.GapNotice;
import pgeventserv.fanout.Format;
import pgeventserv.fanout.HistoryLimits;
import pgeventserv.fanout.Limits;
import pgeventserv.fanout.Subscriptions;
import pgeventserv.postgres.ListenerState;
import pgeventserv.postgres.NotificationListener;
import pgeventserv.wiring.Relay;

/** The front door's bounds, with fake HTTP and a relay that says what the test wants. */
class ListenFilterTest {

    private final HandshakeWaits waits = new HandshakeWaits();
    private final UpgradeDeferrals deferrals = new UpgradeDeferrals();
    private final ListenFilter filter = new ListenFilter();
    private boolean listened;
    private boolean stalled;
    private boolean room = true;
    private int passed;
    /** Places taken while the last request that passed went down the chain. */
    private int waitingInChain;
    /** What the chain does as the handshake: by default nothing (status 0). */
    private FilterChain handshake = (req, res) -> { };
    private final List<String> unlistened = new ArrayList<>();
    private final Subscriptions subscriptions = new Subscriptions(new Limits(10, 1 << 20),
            new HistoryLimits(0, 0, Duration.ZERO), 10, 10, channel -> CompletableFuture.completedFuture(null),
            unlistened::add, 0);
    private final Fanout fanout = new Fanout(subscriptions, new EventIds("test"));
    /** Each notification's payload as it is, as a raw WebSocket has it. */
    private static final Format PAYLOADS = new Format() {
        @Override
        public String message(Event event) {
            return event.payload();
        }

        @Override
        public String gap(GapNotice gap) {
            return null;
        }

        @Override
        public int framedLength(Frame message) {
            return message.bytes();
        }

        @Override
        public void frame(Frame message, ByteBuffer out) {
            out.put(message.text().getBytes(StandardCharsets.UTF_8));
        }
    };

    ListenFilterTest() {
        filter.policy = new ChannelPolicy() {
            @Override
            public boolean allows(String channel) {
                return true;
            }
        };
        filter.origins = new OriginPolicy() {
            @Override
            public boolean allows(String origin) {
                return true;
            }
        };
        filter.relay = new Relay() {
            @Override
            public boolean full() {
                return false;
            }

            @Override
            public boolean roomFor(List<String> channels) {
                return room;
            }

            @Override
            public Farewell tooManyChannels() {
                return new Farewell(Farewell.TRY_AGAIN_LATER, "too many channels: 4 are listened to");
            }

            @Override
            public int maxChannelsPerSession() {
                return 3;
            }

            @Override
            public boolean listened(String channel) {
                return listened;
            }

            @Override
            public CompletableFuture<Void> listening(String channel) {
                return new CompletableFuture<>();
            }
        };
        filter.authorizer = new Authorizer();
        filter.listener = new NotificationListener() {
            @Override
            public ListenerState state() {
                return ListenerState.UP;
            }

            @Override
            public boolean stalled() {
                return stalled;
            }
        };
        filter.waits = waits;
        filter.deferrals = deferrals;
    }

    private FakeHttp get(String uri, Map<String, String> headers, Map<String, String[]> parameters) throws Exception {
        FakeHttp http = new FakeHttp(uri);
        http.requestHeaders.clear();
        http.requestHeaders.putAll(headers);
        http.parameters.putAll(parameters);
        filter.doFilter(http.request(), http.response(), (req, res) -> {
            passed++;
            waitingInChain = waits.waiting();
            handshake.doFilter(req, res);
        });
        return http;
    }

    private FakeHttp upgrade(String channel) throws Exception {
        return get("/listen/" + channel, Map.of("Upgrade", "websocket"), Map.of());
    }

    @Test
    void aHandshakeOnAChannelNotListenedYetWaitsOnlyWhileFewerThanTheBoundDo() throws Exception {
        assertEquals(0, upgrade("fresh").status);
        assertEquals(1, passed);
        assertEquals(1, waitingInChain, "it holds a place while it waits");
        assertEquals(0, waits.waiting(), "and gives it back");
        for (int i = 0; i < HandshakeWaits.MAX; i++) {
            waits.enter();
        }
        FakeHttp refused = upgrade("fresh");
        assertEquals(503, refused.status);
        assertEquals("1", refused.responseHeaders.get("Retry-After"));
        assertTrue(refused.text().startsWith("too many handshakes waiting"), refused.text());
        assertEquals(1, passed);
        listened = true;
        assertEquals(0, upgrade("listened").status, "a channel LISTENed already needs no wait, and no place");
        assertEquals(2, passed);
        assertEquals(HandshakeWaits.MAX, waitingInChain);
    }

    @Test
    void whileTheListenConnectionIsStalledAHandshakeTakesNoPlaceToWaitAndIsNeverRefusedForOne() throws Exception {
        stalled = true;
        for (int i = 0; i < HandshakeWaits.MAX; i++) {
            waits.enter();
        }
        assertEquals(0, upgrade("fresh").status);
        assertEquals(1, passed, "let through although every place is taken");
        assertEquals(HandshakeWaits.MAX, waitingInChain, "holding none of them");
    }

    @Test
    void whereUpgradesAreDeferredAHandshakeForAFreshChannelTakesNoPlaceAndItsFlushIsHeldBack() throws Exception {
        deferrals.on = true;
        for (int i = 0; i < HandshakeWaits.MAX; i++) {
            waits.enter();
        }
        List<UnsentUpgrade> seen = new ArrayList<>();
        handshake = (req, res) -> {
            seen.add(UnsentUpgrade.ofThisHandshake());
            ((HttpServletResponse) res).setStatus(400);
            res.flushBuffer();
        };
        FakeHttp fresh = upgrade("fresh");
        assertEquals(400, fresh.status, "let through although every place is taken");
        assertEquals(0, fresh.flushes, "Tyrus's flush does not reach the response");
        assertTrue(seen.get(0) != null, "modifyHandshake is told its 101 is held back");
        assertEquals(null, UnsentUpgrade.ofThisHandshake(), "and only during the handshake");
        listened = true;
        FakeHttp again = upgrade("listened");
        assertEquals(null, seen.get(1), "a channel LISTENed already holds nothing back");
        assertEquals(1, again.flushes);
    }

    @Test
    void aHandshakeThatFailsAfterItsSubscriberWasMadeGivesBackItsPlaceAtOnce() throws Exception {
        handshake = (req, res) -> {
            HandshakeSubscriber.made(subscriptions.subscribe(List.of("fresh"), PAYLOADS, false, null));
            ((HttpServletResponse) res).setStatus(500);
        };
        assertEquals(500, upgrade("fresh").status);
        assertEquals(0, subscriptions.sessionCount(), "its MaxSessions place is given back at once");
        fanout.pollEnded();
        subscriptions.sweep(System.nanoTime() + TimeUnit.SECONDS.toNanos(1), System.currentTimeMillis());
        assertEquals(List.of("fresh"), unlistened, "its channel is UNLISTENed at the next sweep, as any left");
    }

    @Test
    void aHandshakeAnswered101KeepsItsSubscriber() throws Exception {
        handshake = (req, res) -> {
            HandshakeSubscriber.made(subscriptions.subscribe(List.of("fresh"), PAYLOADS, false, null));
            ((HttpServletResponse) res).setStatus(101);
        };
        assertEquals(101, upgrade("fresh").status);
        assertEquals(1, subscriptions.sessionCount());
        handshake = (req, res) -> ((HttpServletResponse) res).setStatus(500);
        assertEquals(500, upgrade("other").status);
        assertEquals(1, subscriptions.sessionCount(), "a later failure on the same thread ends nothing it did not make");
    }

    @Test
    void aNewChannelBeyondMaxChannelsIs503WithRetryAfter() throws Exception {
        room = false;
        FakeHttp refused = upgrade("one_too_many");
        assertEquals(503, refused.status);
        assertEquals("10", refused.responseHeaders.get("Retry-After"));
        assertTrue(refused.text().startsWith("too many channels"), refused.text());
        assertEquals(0, passed);
    }

    @Test
    void anEventStreamNamingMoreChannelsThanASessionMayHaveIs400() throws Exception {
        FakeHttp refused = get("/listen", Map.of("Accept", "text/event-stream"),
                Map.of("channel", new String[] {"a", "b", "c", "d"}));
        assertEquals(400, refused.status);
        assertFalse(refused.text().isEmpty());
        assertEquals(0, get("/listen", Map.of("Accept", "text/event-stream"),
                Map.of("channel", new String[] {"a", "b", "c"})).status);
        assertEquals(1, passed);
        assertEquals(0, waitingInChain, "an event stream waits without a place: it goes async");
    }
}
