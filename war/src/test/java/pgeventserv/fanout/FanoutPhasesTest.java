package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The coordinator's phases as a whole: what a poll does in which order, and what it starts from. */
class FanoutPhasesTest {

    private final EventIds ids = new EventIds("phases");
    private final CompletableFuture<Void> listen = new CompletableFuture<>();
    private final Subscriptions subscriptions = new Subscriptions(new Limits(100, 1 << 20),
            new HistoryLimits(100, 1 << 20, Duration.ofMinutes(5)), 100, 100, c -> listen, c -> { },
            Duration.ofMinutes(1).toNanos());

    private FakeWriter open(Fanout fanout, String channel, String lastEventId) {
        FakeWriter writer = new FakeWriter(TestFormat.IDS, false);
        subscriptions.subscribe(List.of(channel), TestFormat.IDS, false, lastEventId).attach(writer);
        fanout.pollEnded();
        return writer;
    }

    @Test
    void notificationsOfThePollInWhichTheListenTookEffectAreHistoryAResumeCanVouchFor() {
        Fanout fanout = new Fanout(subscriptions, ids);
        FakeWriter first = open(fanout, "c", null);
        listen.complete(null);
        fanout.deliver(Notification.plain("c", "n1"));
        fanout.deliver(Notification.plain("c", "n2"));
        fanout.pollEnded();
        assertEquals(List.of("n1", "n2"), DurableHarness.payloads(first));

        String afterN1 = DurableHarness.idsOf(first).get(0);
        FakeWriter resumed = open(fanout, "c", afterN1);
        assertEquals(List.of("n2"), DurableHarness.payloads(resumed), "no gap: n1 was heard here");
    }

    @Test
    void aNotificationOfAChannelNobodyListensToIsDropped() {
        listen.complete(null);
        Fanout fanout = new Fanout(subscriptions, ids);
        fanout.deliver(Notification.plain("nobody", "x"));
        fanout.pollEnded();
        assertEquals(0, fanout.position());
        assertEquals(0, subscriptions.channelCount());
    }

    @Test
    void positionsCountEveryDeliveredEventAcrossPolls() {
        listen.complete(null);
        Fanout fanout = new Fanout(subscriptions, ids);
        open(fanout, "c", null);
        fanout.deliver(Notification.plain("c", "1"));
        fanout.pollEnded();
        fanout.deliver(Notification.plain("c", "2"));
        fanout.deliver(Notification.plain("c", "3"));
        fanout.pollEnded();
        assertEquals(3, fanout.position());
    }

    @Test
    void theWatermarkStartsWhereItIsGivenAndPlainIdsCarryIt() {
        listen.complete(null);
        FakeTable table = new FakeTable();
        ArrayDeque<Runnable> reads = new ArrayDeque<>();
        Fanout fanout = new Fanout(subscriptions, ids, table, reads::add, table, reads::add, 41);
        FakeWriter c = open(fanout, "c", null);
        fanout.deliver(Notification.plain("c", "p"));
        fanout.pollEnded();
        assertEquals(41, fanout.watermark());
        assertEquals(41, EventIds.watermark(DurableHarness.idsOf(c).get(0)));
    }

    @Test
    void withoutAReaderTheWatermarkIsUnknownWhateverIsGivenAndNoResumeReadsTheTable() {
        listen.complete(null);
        FakeTable table = new FakeTable();
        table.insert(1, "c", "stored");
        table.commit();
        ArrayDeque<Runnable> reads = new ArrayDeque<>();
        Fanout fanout = new Fanout(subscriptions, ids, null, reads::add, table, reads::add, 41);
        assertEquals(EventIds.UNKNOWN, fanout.watermark());
        FakeWriter c = open(fanout, "c", "elsewhere.0.0");
        fanout.pollEnded();
        assertTrue(reads.isEmpty(), "nothing read");
        assertFalse(fanout.resuming());
        assertEquals(List.of("gap:unknown:c"), DurableHarness.payloads(c));
    }

    @Test
    void aDurableHintWithoutAReaderIsCountedAndDeliversNothing() {
        listen.complete(null);
        Fanout fanout = new Fanout(subscriptions, ids);
        FakeWriter c = open(fanout, "c", null);
        fanout.deliver(Notification.durable("c", 1, 1, 7));
        fanout.pollEnded();
        assertEquals(List.of(), c.received());
        assertEquals(1, subscriptions.counters().referencesIgnored());
        assertFalse(fanout.reading());
    }

    @Test
    void eachPollsEventsCarryThatPollsTime() {
        listen.complete(null);
        Fanout fanout = new Fanout(subscriptions, ids);
        open(fanout, "c", null);
        fanout.deliver(Notification.plain("c", "1"));
        fanout.deliver(Notification.plain("c", "2"));
        fanout.pollEnded();
        long before = System.nanoTime();
        while (System.nanoTime() == before) {
            Thread.onSpinWait();
        }
        fanout.deliver(Notification.plain("c", "3"));
        fanout.pollEnded();
        List<Event> held = subscriptions.channels().get("c").history.since(0, System.nanoTime()).events();
        assertEquals(held.get(0).receivedNanos(), held.get(1).receivedNanos());
        assertTrue(held.get(2).receivedNanos() > held.get(1).receivedNanos());
    }

    @Test
    void anIdleChannelsHistoryIsEvictedByAgeAtTheFirstPollAfterASecond() throws Exception {
        listen.complete(null);
        Subscriptions shortLived = new Subscriptions(new Limits(100, 1 << 20),
                new HistoryLimits(100, 1 << 20, Duration.ofMillis(10)), 100, 100, c -> listen, c -> { },
                Duration.ofMinutes(1).toNanos());
        Fanout fanout = new Fanout(shortLived, ids);
        FakeWriter writer = new FakeWriter(TestFormat.IDS, false);
        shortLived.subscribe(List.of("c"), TestFormat.IDS, false, null).attach(writer);
        fanout.pollEnded();
        fanout.deliver(Notification.plain("c", "1"));
        fanout.pollEnded();
        assertEquals(1, shortLived.historyMessages());
        Thread.sleep(1_100);
        fanout.pollEnded();
        assertEquals(0, shortLived.historyMessages(), "evicted though nothing new arrived");
    }

    @Test
    void theFanoutIsReadingWhileADurableReadIsOut() {
        listen.complete(null);
        FakeTable table = new FakeTable();
        ArrayDeque<Runnable> reads = new ArrayDeque<>();
        Fanout fanout = new Fanout(subscriptions, ids, table, reads::add, table, reads::add, 0);
        open(fanout, "c", null);
        reads.clear();
        table.insert(1, "c", "d");
        table.commit();
        fanout.deliver(Notification.durable("c", 1, 1, FakeTable.PUBLISHER));
        assertTrue(fanout.reading());
        reads.poll().run();
        fanout.pollEnded();
        assertFalse(fanout.reading());
    }
}
