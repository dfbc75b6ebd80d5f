package pgeventserv.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import pgeventserv.Deployments;
import pgeventserv.Eventually;
import pgeventserv.Scrape;
import pgeventserv.TestDatabase;
import pgeventserv.WebSocketClient;
import pgeventserv.WebSocketClient.Close;

/**
 * One client stops reading while another keeps up: the stalled one is closed when its queue overflows, and the
 * healthy one never notices. The test container bounds each queue at 2,000 messages (arquillian.xml): on
 * loopback the kernel's socket buffers alone hold some 10 MB of a client that does not read, more than the
 * default bound of 10,000 messages would leave for 20,000 notifications of 1 KB.
 */
@ExtendWith(ArquillianExtension.class)
class SlowConsumerIT {

    private static final int COUNT = 20_000;
    private static final int BATCH = 250;
    private static final String PAD = "x".repeat(1000);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.builtWar();
    }

    @ArquillianResource
    URL base;

    @Test
    void stalledClientIsClosedWith1013WhileTheHealthyOneGetsAllTwentyThousandInOrder() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_slow");
        double slowBefore = Scrape.metric(base, "pg_eventserv_sessions_closed_slow");
        try (TestDatabase db = new TestDatabase();
             WebSocketClient healthy = WebSocketClient.connect(Deployments.listenUri(base, channel));
             WebSocketClient stalled = WebSocketClient.connectNotReading(Deployments.listenUri(base, channel))) {
            List<String> received = new ArrayList<>(COUNT);
            try (PreparedStatement send = db.connection().prepareStatement(
                    "SELECT count(pg_notify(?, lpad(i::text, 5, '0') || ' ' || ?)) FROM generate_series(?, ?) i")) {
                for (int from = 0; from < COUNT; from += BATCH) {
                    sendNumbered(send, channel, from);
                    // A steady producer: the next batch once the healthy client has this one.
                    List<String> batch = healthy.take(BATCH, WAIT);
                    received.addAll(batch);
                    assertEquals(BATCH, batch.size(), "the healthy client receives every notification");
                }
            }
            for (int i = 0; i < COUNT; i++) {
                assertEquals(number(i), received.get(i).substring(0, 6), "in order");
            }

            Eventually.within(WAIT, "the stalled session is counted as closed slow",
                    () -> Scrape.metric(base, "pg_eventserv_sessions_closed_slow") == slowBefore + 1);
            stalled.resume();
            Close close = stalled.awaitClose(WAIT);
            assertEquals(1013, close.code(), close.toString());
            assertTrue(close.reason().startsWith("too slow: more than 2000 messages"), close.reason());
            List<String> before = stalled.drain();
            assertTrue(before.size() < COUNT, "the stalled client did not get everything: " + before.size());
            for (int i = 0; i < before.size(); i++) {
                assertEquals(number(i), before.get(i).substring(0, 6), "what it got before the close is in order");
            }

            try (WebSocketClient next = WebSocketClient.connect(Deployments.listenUri(base, channel))) {
                db.notify(channel, "afterwards");
                assertEquals("afterwards", next.next(WAIT), "the channel still delivers to new clients");
            }
        }
    }

    /** ~1 KB each, numbered so order can be checked; one transaction per batch. */
    private static void sendNumbered(PreparedStatement send, String channel, int from) throws Exception {
        send.setString(1, channel);
        send.setString(2, PAD);
        send.setInt(3, from);
        send.setInt(4, from + BATCH - 1);
        send.execute();
    }

    private static String number(int i) {
        return String.format("%05d ", i);
    }
}
