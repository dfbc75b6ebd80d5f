package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Every subscriber: at most {@code MaxSessions}, handshakes that never open, deadlines, keep-alives, shutdown. */
class SessionsTest {

    private final Subscriptions subscriptions = new Subscriptions(new Limits(10, 1 << 20),
            new HistoryLimits(10, 1 << 20, Duration.ofMinutes(1)), 10, 10, c -> CompletableFuture.completedFuture(null),
            c -> { }, 0);
    private final Sessions sessions = new Sessions(2);

    private Subscriber subscriber() {
        return new Subscriber(TestFormat.RAW, false, new Limits(10, 1 << 20), subscriptions);
    }

    /** A subscriber admitted and opened on this writer. */
    private Subscriber opened(FakeWriter writer) {
        Subscriber s = subscriber();
        sessions.admit(s);
        s.attach(writer);
        return s;
    }

    @Test
    void placesAreTakenUpToTheMaximumAndGivenBackOnce() {
        Subscriber a = subscriber();
        Subscriber b = subscriber();
        assertTrue(sessions.admit(a));
        assertFalse(sessions.full());
        assertTrue(sessions.admit(b));
        assertTrue(sessions.full());
        assertFalse(sessions.admit(subscriber()));
        assertEquals(2, sessions.count(), "a refused one holds no place");
        assertEquals(2, sessions.max());
        sessions.release(a);
        sessions.release(a);
        assertEquals(1, sessions.count());
        assertFalse(sessions.full());
        assertTrue(sessions.admit(subscriber()));
    }

    @Test
    void aHandshakeThatNeverOpensIsEndedAfterThirtySeconds() {
        Subscriber s = subscriber();
        sessions.admit(s);
        sessions.sweep(s.createdNanos() + Sessions.UNOPENED_TIMEOUT_NANOS, 0);
        assertEquals(Subscriber.State.HANDSHAKE, s.state());
        sessions.sweep(s.createdNanos() + Sessions.UNOPENED_TIMEOUT_NANOS + 1, 0);
        assertEquals(Subscriber.State.CLOSED, s.state());
    }

    @Test
    void anOpenedSubscriberIsNeverEndedAsUnopened() {
        Subscriber s = opened(FakeWriter.fast());
        sessions.sweep(s.createdNanos() + 1, 0);
        sessions.sweep(s.createdNanos() + 2 * Sessions.UNOPENED_TIMEOUT_NANOS, 0);
        assertEquals(Subscriber.State.OPEN, s.state());
    }

    @Test
    void theSweepClosesThoseWhoseDeadlinePassed() {
        FakeWriter dueWriter = FakeWriter.fast();
        FakeWriter laterWriter = FakeWriter.fast();
        Subscriber due = opened(dueWriter);
        Subscriber later = opened(laterWriter);
        Farewell expired = new Farewell(Farewell.POLICY_VIOLATION, "expired");
        due.endAt(100, expired);
        later.endAt(200, expired);
        sessions.sweep(due.createdNanos(), 150);
        assertEquals(List.of(expired), dueWriter.closes);
        assertEquals(List.of(), laterWriter.closes);
    }

    @Test
    void aKeepAliveGoesToEveryoneAndClosesThoseThatDidNotAnswer() {
        FakeWriter aliveWriter = FakeWriter.fast();
        FakeWriter deadWriter = FakeWriter.fast();
        opened(aliveWriter);
        opened(deadWriter);
        deadWriter.stopAnsweringKeepAlive();
        Farewell why = new Farewell(Farewell.POLICY_VIOLATION, "no pong");
        sessions.keepAlive(why);
        assertEquals(List.of(why), deadWriter.closes);
        assertEquals(List.of(), aliveWriter.closes);
    }

    @Test
    void shutdownClosesEveryone() {
        FakeWriter aw = FakeWriter.fast();
        FakeWriter bw = FakeWriter.fast();
        opened(aw);
        opened(bw);
        sessions.shutdown();
        assertEquals(List.of(Farewell.SHUTTING_DOWN), aw.closes);
        assertEquals(List.of(Farewell.SHUTTING_DOWN), bw.closes);
    }

    @Test
    void aReleasedSubscriberIsNoLongerSweptNorPinged() {
        FakeWriter writer = FakeWriter.fast();
        Subscriber s = opened(writer);
        sessions.release(s);
        writer.stopAnsweringKeepAlive();
        sessions.keepAlive(new Farewell(Farewell.POLICY_VIOLATION, "no pong"));
        sessions.shutdown();
        assertEquals(List.of(), writer.closes);
    }
}
