package pgeventserv.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import pgeventserv.auth.Authorizer;
import pgeventserv.auth.Denial;
import pgeventserv.fanout.HistoryLimits;
import pgeventserv.fanout.Limits;
import pgeventserv.fanout.Subscriber;
import pgeventserv.fanout.Subscriptions;

/** A multiplexed session's deadline to authenticate is the subscriber's, found by the relay's sweep. */
class SessionAuthTest {

    private final Subscriptions subscriptions = new Subscriptions(new Limits(10, 1 << 20),
            new HistoryLimits(0, 0, java.time.Duration.ZERO), 10, 10, c -> CompletableFuture.completedFuture(null),
            c -> { }, 0);
    private final Authorizer authorizer = new Authorizer();

    @Test
    void aSessionThatNeverAuthenticatesIsClosedByTheFirstSweepPastItsDeadline() {
        Subscriber session = subscriptions.subscribe(List.of(), WebSocketFormat.ENVELOPE, true, null);
        long opened = System.currentTimeMillis();
        new SessionAuth(authorizer, session, null).opened();
        subscriptions.sweep(System.nanoTime(), opened + TimeUnit.SECONDS.toMillis(SessionAuth.AUTH_WAIT_SECONDS) - 100);
        assertEquals(Subscriber.State.HANDSHAKE, session.state());
        subscriptions.sweep(System.nanoTime(), opened + TimeUnit.SECONDS.toMillis(SessionAuth.AUTH_WAIT_SECONDS) + 100);
        assertEquals(Subscriber.State.CLOSING, session.state());
        assertEquals(1, authorizer.refusals(Denial.MISSING));
        assertEquals(0, subscriptions.sessionCount(), "nothing is left holding it");
    }

    @Test
    void aSessionThatEndsBeforeItsDeadlineIsNotCountedAsRefused() {
        Subscriber session = subscriptions.subscribe(List.of(), WebSocketFormat.ENVELOPE, true, null);
        new SessionAuth(authorizer, session, null).opened();
        session.end();
        subscriptions.sweep(System.nanoTime(), Long.MAX_VALUE - 1);
        assertEquals(0, authorizer.refusals(Denial.MISSING));
    }
}
