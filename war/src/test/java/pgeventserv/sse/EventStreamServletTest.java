package pgeventserv.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import pgeventserv.auth.Authorizer;
import pgeventserv.fanout.EventIds;
import pgeventserv.fanout.Fanout;
import pgeventserv.fanout.Format;
import pgeventserv.fanout.HistoryLimits;
import pgeventserv.fanout.Limits;
import pgeventserv.fanout.Subscriber;
import pgeventserv.fanout.Subscriptions;
import pgeventserv.fanout.filter.Filter;
import pgeventserv.listen.FakeHttp;
import pgeventserv.postgres.ListenerState;
import pgeventserv.postgres.NotificationListener;
import pgeventserv.wiring.Relay;

/** The event stream servlet against a real fan-out with fake HTTP: what a stream holds, and what it gives back. */
class EventStreamServletTest {

    private final List<String> unlistened = new ArrayList<>();
    /** Each channel's LISTEN, completed by the test (or at once, when it says so). */
    private final Map<String, CompletableFuture<Void>> listens = new ConcurrentHashMap<>();
    private boolean listenAtOnce = true;
    private final Subscriptions subscriptions = new Subscriptions(new Limits(10, 1 << 20),
            new HistoryLimits(0, 0, java.time.Duration.ZERO), 10, 10, this::listen, unlistened::add, 0);
    private final Fanout fanout = new Fanout(subscriptions, new EventIds("test"));
    private final EventStreamServlet servlet = new EventStreamServlet();

    private CompletableFuture<Void> listen(String channel) {
        CompletableFuture<Void> listen = listenAtOnce ? CompletableFuture.completedFuture(null)
                : new CompletableFuture<>();
        listens.put(channel, listen);
        return listen;
    }

    EventStreamServletTest() {
        servlet.relay = new Relay() {
            @Override
            public Subscriber subscribe(String channel, Format format, String lastEventId, Filter filter) {
                return subscriptions.subscribe(List.of(channel), format, false, lastEventId, Map.of(channel, filter));
            }

            @Override
            public CompletableFuture<Void> listening(String channel) {
                return subscriptions.listening(channel);
            }
        };
        servlet.listener = new NotificationListener() {
            @Override
            public ListenerState state() {
                return ListenerState.UP;
            }
        };
        servlet.authorizer = new Authorizer();
    }

    @Test
    void theRequestGoesAsyncAtOnceAndTheStreamOpensWhenTheListenIsInEffect() throws Exception {
        listenAtOnce = false;
        FakeHttp http = new FakeHttp("/listen/orders");
        servlet.doGet(http.request(), http.response());
        assertTrue(http.asyncStarted, "the worker is given back");
        assertEquals(0, http.status, "no answer before the LISTEN");
        assertNull(http.writeListener);
        listens.get("orders").complete(null);
        assertEquals(200, http.status);
        assertEquals("no-store", http.responseHeaders.get("Cache-Control"));
        assertNotNull(http.writeListener, "the stream is written from now on");
        assertFalse(http.asyncCompleted);
        assertEquals(1, subscriptions.sessionCount());
    }

    @Test
    void aStreamOnChannelsAlreadyListenedOpensOnTheRequestsOwnThread() throws Exception {
        FakeHttp http = new FakeHttp("/listen/orders");
        servlet.doGet(http.request(), http.response());
        assertEquals(200, http.status);
        assertNotNull(http.writeListener);
    }

    @Test
    void aStreamThatFailsHalfWayGivesBackItsPlaceItsChannelAndItsAsyncContextAtOnce() throws Exception {
        FakeHttp http = new FakeHttp("/listen/orders");
        http.failOnWriteListener = new IllegalStateException("the container refused the write listener");
        servlet.doGet(http.request(), http.response());
        assertTrue(http.asyncStarted);
        assertTrue(http.asyncCompleted, "the async context is completed");
        assertEquals(0, subscriptions.sessionCount(), "the MaxSessions place is given back");
        fanout.pollEnded();
        subscriptions.sweep(System.nanoTime() + TimeUnit.SECONDS.toNanos(1), System.currentTimeMillis());
        assertEquals(List.of("orders"), unlistened, "the channel it alone asked for is UNLISTENed at the next sweep");
        assertEquals(0, subscriptions.channelCount());
    }
}
