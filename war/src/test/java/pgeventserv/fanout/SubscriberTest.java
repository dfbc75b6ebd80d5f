package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** One client's lifecycle and what its transport may ask of it, on a registry of its own: no server. */
class SubscriberTest {

    private final Subscriptions subscriptions = new Subscriptions(new Limits(10, 1 << 20),
            new HistoryLimits(10, 1 << 20, Duration.ofMinutes(1)), 10, 10, c -> CompletableFuture.completedFuture(null),
            c -> { }, 0);
    private final Fanout fanout = new Fanout(subscriptions, new EventIds("test"));
    private final Farewell bye = new Farewell(Farewell.POLICY_VIOLATION, "bye");

    private Subscriber subscriber(String... channels) {
        return subscriptions.subscribe(List.of(channels), TestFormat.RAW, channels.length != 1, null);
    }

    @Test
    void aNewSubscriberQueuesUntilItsConnectionOpens() {
        Subscriber s = subscriber("orders");
        assertEquals(Subscriber.State.HANDSHAKE, s.state());
        assertFalse(s.gone());
        FakeWriter writer = FakeWriter.fast();
        s.attach(writer);
        assertEquals(Subscriber.State.OPEN, s.state());
        assertSame(writer, s.writer());
        assertFalse(s.gone());
    }

    @Test
    void aSubscriptionDroppedBeforeItsConnectionOpenedClosesTheConnectionAtOnce() {
        Subscriber s = subscriber("orders");
        s.end();
        FakeWriter writer = FakeWriter.fast();
        s.attach(writer);
        assertEquals(List.of(new Farewell(Farewell.TRY_AGAIN_LATER, "subscription expired before the connection opened")),
                writer.closes);
        assertEquals(Subscriber.State.CLOSED, s.state());
    }

    @Test
    void aRefusedSubscriberIsClosingWithItsReasonAndHoldsNoPlace() {
        Farewell full = new Farewell(Farewell.TRY_AGAIN_LATER, "full");
        Subscriber refused = Subscriber.refused(TestFormat.RAW, new Limits(1, 1), subscriptions, full);
        assertEquals(Subscriber.State.CLOSING, refused.state());
        assertSame(full, refused.farewell());
        assertTrue(refused.closingSinceNanos() != 0);
        assertFalse(refused.uncounted(), "never counted");
        FakeWriter writer = FakeWriter.fast();
        refused.attach(writer);
        assertEquals(List.of(full), writer.closes);
    }

    @Test
    void endLeavesTheChannelsGivesThePlaceBackAndDropsTheQueue() {
        Subscriber s = subscriber("orders");
        FakeWriter writer = FakeWriter.holding();
        s.attach(writer);
        fanout.pollEnded();
        assertEquals(List.of("orders"), s.channels());
        assertEquals(1, subscriptions.sessionCount());
        s.end();
        assertEquals(Subscriber.State.CLOSED, s.state());
        assertTrue(s.gone());
        assertEquals(List.of(), s.channels());
        assertEquals(0, subscriptions.sessionCount());
        assertEquals(0, subscriptions.channels().get("orders").members().length);
        assertEquals(List.of(), writer.closes, "the connection is closed already");
    }

    @Test
    void theFirstCloseWinsAndLaterOnesChangeNothing() {
        Subscriber s = subscriber("orders");
        FakeWriter writer = FakeWriter.holding();
        s.attach(writer);
        s.send(Frame.of("outstanding"));
        s.close(bye);
        long since = s.closingSinceNanos();
        assertEquals(Subscriber.State.CLOSING, s.state());
        s.close(new Farewell(Farewell.GOING_AWAY, "later"));
        assertSame(bye, s.farewell());
        assertEquals(since, s.closingSinceNanos());
        writer.take();
        s.writable();
        assertEquals(List.of(bye), writer.closes);
        assertEquals(Subscriber.State.CLOSED, s.state());
    }

    @Test
    void aCloseDuringTheHandshakeIsSentWhenTheConnectionOpens() {
        Subscriber s = subscriber("orders");
        s.close(bye);
        assertEquals(Subscriber.State.CLOSING, s.state());
        assertEquals(0, subscriptions.sessionCount(), "it left at once");
        FakeWriter writer = FakeWriter.fast();
        s.attach(writer);
        assertEquals(List.of(bye), writer.closes);
    }

    @Test
    void aCloseAfterTheConnectionEndedStaysClosed() {
        Subscriber s = subscriber("orders");
        s.attach(FakeWriter.fast());
        s.end();
        s.close(bye);
        assertEquals(Subscriber.State.CLOSED, s.state());
        assertFalse(s.closed(), "CLOSED already: nobody makes the change again");
    }

    @Test
    void aLostConnectionIsClosedAndLeavesWithoutAFarewell() {
        Subscriber s = subscriber("orders");
        FakeWriter writer = FakeWriter.fast();
        s.attach(writer);
        fanout.pollEnded();
        s.lost();
        assertEquals(Subscriber.State.CLOSED, s.state());
        assertEquals(List.of(), s.channels());
        assertEquals(0, subscriptions.sessionCount());
        assertNull(s.farewell());
    }

    @Test
    void shutdownClosesTheConnectionWithGoingAwayAtOnce() {
        Subscriber s = subscriber("orders");
        FakeWriter writer = FakeWriter.holding();
        s.attach(writer);
        s.send(Frame.of("outstanding"));
        s.send(Frame.of("queued"));
        assertFalse(s.outbox().written());
        s.shutdown();
        assertEquals(List.of(Farewell.SHUTTING_DOWN), writer.closes);
        assertEquals(Subscriber.State.CLOSED, s.state());
        assertTrue(s.outbox().written(), "nothing waits any more");
        writer.take();
        s.writable();
        assertEquals(List.of("outstanding"), writer.received(), "what was queued is dropped");
    }

    @Test
    void shutdownBeforeTheConnectionOpensHasNothingToClose() {
        Subscriber s = subscriber("orders");
        s.shutdown();
        assertEquals(Subscriber.State.CLOSED, s.state());
    }

    @Test
    void aKeepAliveUnansweredClosesAnOpenClientOnly() {
        Subscriber s = subscriber("orders");
        s.keepAlive(bye);
        assertEquals(Subscriber.State.HANDSHAKE, s.state(), "nothing to ask before the connection opens");
        FakeWriter writer = FakeWriter.fast();
        s.attach(writer);
        s.keepAlive(bye);
        assertEquals(Subscriber.State.OPEN, s.state(), "it answered");
        writer.stopAnsweringKeepAlive();
        s.keepAlive(bye);
        assertEquals(List.of(bye), writer.closes);
    }

    @Test
    void aClosingClientIsNotAskedForKeepAlives() {
        Subscriber s = subscriber("orders");
        FakeWriter writer = FakeWriter.holding();
        s.attach(writer);
        s.send(Frame.of("outstanding"));
        writer.stopAnsweringKeepAlive();
        Farewell first = new Farewell(Farewell.TRY_AGAIN_LATER, "first");
        s.close(first);
        s.keepAlive(bye);
        writer.take();
        s.writable();
        assertEquals(List.of(first), writer.closes);
    }

    @Test
    void aDeadlineClosesAtItsMillisecondRunningItsFirstStepOnce() {
        Subscriber s = subscriber("orders");
        FakeWriter writer = FakeWriter.fast();
        s.attach(writer);
        List<String> steps = new ArrayList<>();
        s.endAt(1_000, bye, () -> steps.add("first"));
        s.closeIfDue(999);
        assertEquals(List.of(), steps);
        assertEquals(Subscriber.State.OPEN, s.state());
        s.closeIfDue(1_000);
        assertEquals(List.of("first"), steps);
        assertEquals(List.of(bye), writer.closes);
        s.closeIfDue(2_000);
        assertEquals(List.of("first"), steps, "the deadline is spent");
    }

    @Test
    void aDeadlineWithoutAFirstStepJustCloses() {
        Subscriber s = subscriber("orders");
        FakeWriter writer = FakeWriter.fast();
        s.attach(writer);
        s.endAt(5, bye);
        s.closeIfDue(5);
        assertEquals(List.of(bye), writer.closes);
    }

    @Test
    void itsPlaceIsGivenBackOnce() {
        Subscriber s = subscriber("orders");
        assertTrue(s.uncounted());
        assertFalse(s.uncounted());
        s.counted();
        assertTrue(s.uncounted());
    }

    @Test
    void itIsPutOnTheListToDrainAgainOnceUntilTakenOff() {
        Subscriber s = subscriber("orders");
        assertTrue(s.markAwaiting());
        assertFalse(s.markAwaiting());
        s.takenOffAwaiting();
        assertTrue(s.markAwaiting());
    }

    @Test
    void itIsCollectedOncePerPoll() {
        Subscriber s = subscriber("a", "b");
        assertTrue(s.collect(1));
        assertFalse(s.collect(1));
        assertTrue(s.collect(2));
    }

    @Test
    void itsChannelsChangeAsItJoinsAndLeaves() {
        Subscriber s = subscriber();
        s.joined("a");
        s.joined("b");
        s.joined("c");
        assertEquals(List.of("a", "b", "c"), s.channels());
        assertTrue(s.in("b"));
        s.left("b");
        assertEquals(List.of("a", "c"), s.channels());
        assertFalse(s.in("b"));
        s.left("nope");
        assertEquals(List.of("a", "c"), s.channels());
        s.left("a");
        assertEquals(List.of("c"), s.channels());
        s.leftAll();
        assertEquals(List.of(), s.channels());
        assertEquals(0, s.channelNames().length);
    }

    @Test
    void aMultiplexedSessionJoinsLeavesAndRepliesInCommandOrder() {
        Subscriber s = subscriber();
        FakeWriter writer = FakeWriter.fast();
        s.attach(writer);
        assertTrue(s.multi());
        assertTrue(s.join("orders", null, Frame.of("subscribed orders")));
        fanout.pollEnded();
        assertEquals(List.of("orders"), s.channels());
        s.leave("orders", Frame.of("unsubscribed orders"));
        s.replyAndClose(Frame.of("goodbye"), bye);
        fanout.pollEnded();
        assertEquals(List.of("subscribed orders", "unsubscribed orders", "goodbye"), writer.received());
        assertEquals(List.of(bye), writer.closes);
        assertEquals(List.of(), s.channels());
    }

    @Test
    void aSingleChannelClientIsNotMulti() {
        assertFalse(subscriber("orders").multi());
        assertSame(TestFormat.RAW, subscriber("orders").format());
    }

    @Test
    void itsDurableFloorIsWhatTheResumeGaveIt() {
        Subscriber s = subscriber("orders");
        assertEquals(0, s.durableFloor());
        s.durableFloor(42);
        assertEquals(42, s.durableFloor());
    }
}
