package pgeventserv.listen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** When a held-back 101 goes: its LISTEN in effect, the listener not listening promptly, or its time up. */
class UpgradeDeferralsTest {

    private final UpgradeDeferrals deferrals = new UpgradeDeferrals();
    private final FakeHttp http = new FakeHttp("/listen/fresh");
    private final CompletableFuture<Void> listening = new CompletableFuture<>();
    private int attached;

    UpgradeDeferralsTest() {
        deferrals.on = true;
        // As its thread would, a little later: here, now.
        deferrals.sender = (ScheduledExecutorService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ScheduledExecutorService.class}, (p, method, args) -> {
                    if (method.getName().equals("execute")) {
                        ((Runnable) args[0]).run();
                    }
                    return null;
                });
    }

    /** A handshake answered 101 through the held response, its session opened: the 101 waits for what is due. */
    private UnsentUpgrade deferred() {
        UnsentUpgrade unsent = answered(101, true);
        unsent.opened(() -> attached++);
        return unsent;
    }

    /** A handshake that went down the chain through the held response and was answered {@code status}. */
    private UnsentUpgrade answered(int status, boolean tyrusFlushed) {
        UnsentUpgrade unsent = deferrals.unsent(http.response());
        WithheldResponse held = new WithheldResponse(http.response());
        held.setStatus(status);
        if (tyrusFlushed) {
            held.flushBuffer();
        }
        deferrals.answered(unsent, held, listening);
        return unsent;
    }

    @Test
    void the101GoesWhenItsListenIsInEffectAndNotBefore() {
        UnsentUpgrade unsent = deferred();
        assertEquals(0, http.flushes, "Tyrus's flush was held back");
        deferrals.check(System.nanoTime(), true);
        assertEquals(0, http.flushes);
        listening.complete(null);
        assertEquals(1, http.flushes);
        assertEquals(1, attached);
        assertEquals(UnsentUpgrade.State.SENT, unsent.state());
        assertEquals(1, deferrals.deferred());
    }

    @Test
    void the101GoesWhenTheListenerStopsListeningPromptly() {
        deferred();
        deferrals.check(System.nanoTime(), false);
        assertEquals(1, http.flushes);
        listening.complete(null);
        assertEquals(1, http.flushes, "sent once");
        assertEquals(1, attached);
    }

    @Test
    void the101GoesWithoutItsListenOnceItsTimeIsUp() {
        UnsentUpgrade unsent = deferred();
        deferrals.check(unsent.sinceNanos() + TimeUnit.SECONDS.toNanos(HandshakeWaits.LISTEN_WAIT_SECONDS) / 2, true);
        assertEquals(0, http.flushes);
        deferrals.check(unsent.sinceNanos() + TimeUnit.SECONDS.toNanos(HandshakeWaits.LISTEN_WAIT_SECONDS) + 1, true);
        assertEquals(1, http.flushes);
    }

    @Test
    void aHandshakeThatFailedIsNotDeferred() {
        answered(400, false);
        assertEquals(0, deferrals.deferred());
        assertTrue(deferrals.on());
    }

    @Test
    void a101ThatWasNotHeldBackTurnsDeferralOffForGood() {
        UnsentUpgrade unsent = answered(101, false);
        assertFalse(deferrals.on());
        assertEquals(0, deferrals.deferred());
        unsent.opened(() -> attached++);
        assertEquals(1, attached, "the session is attached at its open, as where nothing is held back");
    }
}
