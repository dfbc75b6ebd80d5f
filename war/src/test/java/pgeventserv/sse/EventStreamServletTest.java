package pgeventserv.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
import pgeventserv.postgres.ListenerState;
import pgeventserv.postgres.NotificationListener;
import pgeventserv.wiring.Relay;

/** The event stream servlet against a real fan-out with fake HTTP: what a stream holds, and what it gives back. */
class EventStreamServletTest {

    private final List<String> unlistened = new ArrayList<>();
    private final Subscriptions subscriptions = new Subscriptions(new Limits(10, 1 << 20),
            new HistoryLimits(0, 0, java.time.Duration.ZERO), 10, 10, c -> CompletableFuture.completedFuture(null),
            unlistened::add, 0);
    private final Fanout fanout = new Fanout(subscriptions, new EventIds("test"));
    private final EventStreamServlet servlet = new EventStreamServlet();

    EventStreamServletTest() {
        servlet.relay = new Relay() {
            @Override
            public Subscriber subscribe(String channel, Format format, String lastEventId) {
                return subscriptions.subscribe(List.of(channel), format, false, lastEventId);
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
    void aStreamThatFailsHalfWayGivesBackItsPlaceItsChannelAndItsAsyncContextAtOnce() {
        FakeHttp http = new FakeHttp("/listen/orders");
        http.failOnWriteListener = new IllegalStateException("the container refused the write listener");
        assertThrows(IllegalStateException.class, () -> servlet.doGet(http.request(), http.response()));
        assertTrue(http.asyncStarted);
        assertTrue(http.asyncCompleted, "the async context is completed");
        assertEquals(0, subscriptions.sessionCount(), "the MaxSessions place is given back");
        fanout.pollEnded();
        subscriptions.sweep(System.nanoTime() + TimeUnit.SECONDS.toNanos(1), System.currentTimeMillis());
        assertEquals(List.of("orders"), unlistened, "the channel it alone asked for is UNLISTENed at the next sweep");
        assertEquals(0, subscriptions.channelCount());
    }
}
