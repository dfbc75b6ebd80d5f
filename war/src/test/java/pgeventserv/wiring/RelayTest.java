package pgeventserv.wiring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import pgeventserv.fanout.Event;
import pgeventserv.fanout.Farewell;
import pgeventserv.fanout.Format;
import pgeventserv.fanout.Frame;
import pgeventserv.fanout.GapNotice;
import pgeventserv.fanout.Messages;
import pgeventserv.fanout.Notification;
import pgeventserv.fanout.Outage;
import pgeventserv.fanout.PollEnd;
import pgeventserv.fanout.Subscriber;
import pgeventserv.fanout.Writer;
import pgeventserv.fanout.filter.Filter;
import pgeventserv.postgres.DurableStore;
import pgeventserv.postgres.NotificationListener;

/**
 * The relay as the application assembles it from its settings, with a listener that records LISTENs, no durable
 * table, and a scheduler whose periodic tasks the test runs itself: no server, no database.
 */
class RelayTest {

    /** Messages as {@code <channel>:<payload>}, gaps as {@code gap:<reason>:<channel>}. */
    private static final Format FORMAT = new Format() {
        @Override
        public String message(Event event) {
            return event.channel() + ":" + event.payload();
        }

        @Override
        public String gap(GapNotice gap) {
            return "gap:" + gap.reason() + ":" + gap.channel();
        }

        @Override
        public int framedLength(Frame message) {
            return message.bytes();
        }

        @Override
        public void frame(Frame message, ByteBuffer out) {
            throw new UnsupportedOperationException();
        }
    };

    /** The LISTENs and UNLISTENs asked for; a LISTEN takes effect when the test completes its future. */
    private static final class Listener extends NotificationListener {
        final Map<String, CompletableFuture<Void>> listens = Collections.synchronizedMap(new HashMap<>());
        final List<String> unlistens = Collections.synchronizedList(new ArrayList<>());
        boolean listenAtOnce = true;

        @Override
        public CompletableFuture<Void> listen(String channel) {
            CompletableFuture<Void> f = listenAtOnce ? CompletableFuture.completedFuture(null) : new CompletableFuture<>();
            listens.put(channel, f);
            return f;
        }

        @Override
        public void unlisten(String channel) {
            unlistens.add(channel);
        }
    }

    /** A periodic task the relay scheduled. */
    private record Scheduled(String how, Runnable task, long initial, long period, boolean[] cancelled) {
    }

    private static final class Client implements Writer {
        final List<String> received = new ArrayList<>();
        final List<Farewell> closes = new ArrayList<>();
        boolean answers = true;

        @Override
        public boolean writable() {
            return true;
        }

        @Override
        public void write(Messages messages) {
            messages.frames().forEach(f -> received.add(f.text()));
        }

        @Override
        public boolean keepAlive() {
            return answers;
        }

        @Override
        public void close(Farewell farewell) {
            closes.add(farewell);
        }
    }

    private final Listener listener = new Listener();
    private final List<Scheduled> scheduled = new ArrayList<>();
    private final List<Relay> relays = new ArrayList<>();

    private Relay relay(int historyMessages, Duration historyAge, Duration pingInterval, int maxSessions,
            int maxChannels) {
        Relay relay = new Relay();
        relay.listener = listener;
        relay.durableStore = new DurableStore();
        relay.scheduler = scheduler();
        relay.threads = (ManagedThreadFactory) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ManagedThreadFactory.class}, (p, m, a) -> {
                    if (m.getName().equals("newThread")) {
                        return new Thread((Runnable) a[0]);
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        relay.queueMessages = 100;
        relay.queueBytes = 1 << 20;
        relay.maxSessions = maxSessions;
        relay.maxChannels = maxChannels;
        relay.pingInterval = pingInterval;
        relay.historyMessages = historyMessages;
        relay.historyBytes = 1 << 20;
        relay.historyAge = historyAge;
        relay.maxChannelsPerSession = 7;
        relay.maxFiltersPerSubscriber = 10;
        relay.init();
        relays.add(relay);
        return relay;
    }

    private Relay relay() {
        return relay(100, Duration.ofMinutes(5), Duration.ofSeconds(30), 10, 10);
    }

    private ManagedScheduledExecutorService scheduler() {
        return (ManagedScheduledExecutorService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ManagedScheduledExecutorService.class}, (p, m, a) -> {
                    String how = m.getName();
                    if (!how.equals("scheduleWithFixedDelay") && !how.equals("scheduleAtFixedRate")) {
                        throw new UnsupportedOperationException(how);
                    }
                    boolean[] cancelled = {false};
                    scheduled.add(new Scheduled(how, (Runnable) a[0], (Long) a[1], (Long) a[2], cancelled));
                    return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ScheduledFuture.class},
                            (fp, fm, fa) -> {
                                if (fm.getName().equals("cancel")) {
                                    cancelled[0] = true;
                                    return true;
                                }
                                throw new UnsupportedOperationException(fm.getName());
                            });
                });
    }

    private Scheduled task(String how) {
        return scheduled.stream().filter(s -> s.how().equals(how)).findFirst().orElseThrow();
    }

    @AfterEach
    void goAway() {
        for (Relay r : relays) {
            r.goingAway();
        }
    }

    private static Subscriber open(Subscriber s, Client client) {
        s.attach(client);
        return s;
    }

    @Test
    void aClientsChannelIsListenedAndItsNotificationsReachItAtTheEndOfThePoll() {
        Relay relay = relay();
        Client client = new Client();
        open(relay.subscribe("orders", FORMAT, null, Filter.NONE), client);
        relay.pollEnded(PollEnd.INSTANCE);
        assertTrue(listener.listens.containsKey("orders"));

        relay.notification(Notification.plain("orders", "one"));
        relay.notification(Notification.plain("other", "not mine"));
        assertEquals(List.of(), client.received, "nothing before the poll ends");
        relay.pollEnded(PollEnd.INSTANCE);

        assertEquals(List.of("orders:one"), client.received);
        assertEquals(1, relay.counters().sent());
        assertEquals(1, relay.sessions());
        assertEquals(1, relay.channels());
    }

    @Test
    void aClientOfSeveralChannelsGetsThemMergedInDeliveryOrder() {
        Relay relay = relay();
        Client client = new Client();
        open(relay.subscribeMany(List.of("a", "b"), FORMAT, null, Map.of()), client);
        relay.pollEnded(PollEnd.INSTANCE);

        relay.notification(Notification.plain("b", "1"));
        relay.notification(Notification.plain("a", "2"));
        relay.notification(Notification.plain("b", "3"));
        relay.pollEnded(PollEnd.INSTANCE);

        assertEquals(List.of("b:1", "a:2", "b:3"), client.received);
        assertEquals(2, relay.channels());
    }

    @Test
    void anOutageIsAGapForEveryClientBeforeAnythingNewer() {
        Relay relay = relay();
        Client client = new Client();
        open(relay.subscribe("orders", FORMAT, null, Filter.NONE), client);
        relay.pollEnded(PollEnd.INSTANCE);

        relay.outage(new Outage(Instant.EPOCH, Instant.EPOCH.plusSeconds(5)));
        relay.notification(Notification.plain("orders", "after"));
        relay.pollEnded(PollEnd.INSTANCE);

        assertEquals(List.of("gap:outage:orders", "orders:after"), client.received);
    }

    @Test
    void historyIsCountedOverEveryChannelAndANewClientGetsOnlyWhatComesAfterIt() {
        Relay relay = relay();
        open(relay.subscribeMany(List.of("a", "b"), FORMAT, null, Map.of()), new Client());
        relay.pollEnded(PollEnd.INSTANCE);
        relay.notification(Notification.plain("a", "one"));
        relay.notification(Notification.plain("b", "two"));
        relay.pollEnded(PollEnd.INSTANCE);
        assertEquals(2, relay.historyMessages());
        assertEquals(6, relay.historyBytes());

        Client second = new Client();
        open(relay.subscribe("a", FORMAT, null, Filter.NONE), second);
        relay.pollEnded(PollEnd.INSTANCE);
        relay.notification(Notification.plain("a", "three"));
        relay.pollEnded(PollEnd.INSTANCE);
        assertEquals(List.of("a:three"), second.received);
    }

    @Test
    void sessionsBeyondMaxSessionsAreRefusedAndTheRelaySaysItIsFull() {
        Relay relay = relay(100, Duration.ofMinutes(5), Duration.ZERO, 1, 10);
        assertFalse(relay.full());
        open(relay.subscribe("a", FORMAT, null, Filter.NONE), new Client());
        assertTrue(relay.full());

        Client refused = new Client();
        Subscriber s = relay.subscribe("a", FORMAT, null, Filter.NONE);
        open(s, refused);
        assertEquals(Subscriber.State.CLOSED, s.state());
        assertEquals(Farewell.TRY_AGAIN_LATER, refused.closes.get(0).code());
    }

    @Test
    void aNewChannelBeyondMaxChannelsHasNoRoomAndIsExplained() {
        Relay relay = relay(100, Duration.ofMinutes(5), Duration.ZERO, 10, 1);
        assertTrue(relay.roomFor(List.of("a")));
        open(relay.subscribe("a", FORMAT, null, Filter.NONE), new Client());
        assertTrue(relay.roomFor(List.of("a")), "a channel listened to already");
        assertFalse(relay.roomFor(List.of("b")));
        assertEquals(new Farewell(Farewell.TRY_AGAIN_LATER, "too many channels: 1 are listened to"),
                relay.tooManyChannels());
    }

    @Test
    void listeningCompletesOnceTheListenersListenIsInEffect() {
        listener.listenAtOnce = false;
        Relay relay = relay();
        open(relay.subscribe("orders", FORMAT, null, Filter.NONE), new Client());
        CompletableFuture<Void> listening = relay.listening("orders");
        assertFalse(listening.isDone());
        listener.listens.get("orders").complete(null);
        assertTrue(listening.isDone());
        assertTrue(relay.listening("nobody").isDone(), "a channel nobody subscribes to needs no wait");
    }

    @Test
    void theSettingsThatTransportsReadAreTheConfiguredOnes() {
        Relay relay = relay(100, Duration.ofMinutes(5), Duration.ofSeconds(30), 10, 10);
        assertEquals(7, relay.maxChannelsPerSession());
        assertEquals(Duration.ofSeconds(30), relay.pingInterval());
    }

    @Test
    void deadlinesAndUnusedChannelsAreSweptEverySecond() {
        Relay relay = relay();
        Scheduled sweep = task("scheduleWithFixedDelay");
        assertEquals(1_000, sweep.initial());
        assertEquals(1_000, sweep.period());

        Client client = new Client();
        Subscriber s = open(relay.subscribe("orders", FORMAT, null, Filter.NONE), client);
        Farewell expired = new Farewell(Farewell.POLICY_VIOLATION, "token expired");
        s.endAt(System.currentTimeMillis() - 1, expired);
        sweep.task().run();
        assertEquals(List.of(expired), client.closes);
    }

    @Test
    void clientsArePingedAtThePingIntervalAndOneThatMissedAPongIsClosed() {
        Relay relay = relay(100, Duration.ofMinutes(5), Duration.ofSeconds(30), 10, 10);
        Scheduled pings = task("scheduleAtFixedRate");
        assertEquals(30_000, pings.initial());
        assertEquals(30_000, pings.period());

        Client alive = new Client();
        Client dead = new Client();
        open(relay.subscribe("orders", FORMAT, null, Filter.NONE), alive);
        open(relay.subscribe("orders", FORMAT, null, Filter.NONE), dead);
        dead.answers = false;
        pings.task().run();
        assertEquals(List.of(), alive.closes);
        assertEquals(List.of(new Farewell(Farewell.POLICY_VIOLATION, "no pong within 30000 ms")), dead.closes);
    }

    @Test
    void withoutAPingIntervalNoClientIsPinged() {
        relay(100, Duration.ofMinutes(5), Duration.ZERO, 10, 10);
        assertEquals(List.of("scheduleWithFixedDelay"), scheduled.stream().map(Scheduled::how).toList());
    }

    @Test
    void goingAwayStopsThePeriodicTasksAndClosesEveryClient() {
        Relay relay = relay();
        Client client = new Client();
        open(relay.subscribe("orders", FORMAT, null, Filter.NONE), client);
        relays.remove(relay);
        relay.goingAway();
        assertTrue(scheduled.stream().allMatch(s -> s.cancelled()[0]));
        assertEquals(Farewell.GOING_AWAY, client.closes.get(0).code());
    }

    @Test
    void goingAwayWithoutPingsStopsTheSweeps() {
        Relay relay = relay(100, Duration.ofMinutes(5), Duration.ZERO, 10, 10);
        relays.remove(relay);
        relay.goingAway();
        assertTrue(task("scheduleWithFixedDelay").cancelled()[0]);
    }

    @Test
    void aChannelIsKeptForTheHistoryAgeAfterItsLastClientAndASecondWithoutHistory() throws Exception {
        Relay withHistory = relay(100, Duration.ofSeconds(30), Duration.ZERO, 10, 10);
        Relay shortHistory = relay(100, Duration.ofMillis(10), Duration.ZERO, 10, 10);
        Relay without = relay(0, Duration.ofMinutes(5), Duration.ZERO, 10, 10);
        List<Runnable> sweeps = scheduled.stream().map(Scheduled::task).toList();
        Subscriber a = withHistory.subscribe("kept", FORMAT, null, Filter.NONE);
        Subscriber b = shortHistory.subscribe("short", FORMAT, null, Filter.NONE);
        Subscriber c = without.subscribe("gone", FORMAT, null, Filter.NONE);
        for (Relay r : List.of(withHistory, shortHistory, without)) {
            r.pollEnded(PollEnd.INSTANCE);
        }
        a.end();
        b.end();
        c.end();
        sweeps.forEach(Runnable::run);
        assertEquals(List.of(), listener.unlistens, "not at once: a second at least");

        Thread.sleep(1_100);
        sweeps.forEach(Runnable::run);
        assertEquals(List.of("gone", "short").stream().sorted().toList(),
                listener.unlistens.stream().sorted().toList());
        assertEquals(1, withHistory.channels());
        assertEquals(0, without.channels());
    }

    @Test
    void withoutADurableTableADurableHintIsIgnoredAndCounted() {
        Relay relay = relay();
        Client client = new Client();
        open(relay.subscribe("orders", FORMAT, null, Filter.NONE), client);
        relay.pollEnded(PollEnd.INSTANCE);
        relay.notification(Notification.durable("orders", 1, 1, 42));
        relay.pollEnded(PollEnd.INSTANCE);
        assertEquals(List.of(), client.received);
        assertEquals(1, relay.counters().referencesIgnored());
    }

    @Test
    void writeLanesAreOffUnlessANumberOrOneFewerThanTheCoresIsAskedFor() {
        assertEquals(0, Relay.lanesFor("0", 2));
        assertEquals(3, Relay.lanesFor("3", 2));
        assertEquals(1, Relay.lanesFor(" cores ", 2));
        assertEquals(0, Relay.lanesFor("cores", 1));
        assertEquals(0, Relay.lanesFor("-1", 2));
        assertEquals(0, Relay.lanesFor("many", 2));
    }
}
