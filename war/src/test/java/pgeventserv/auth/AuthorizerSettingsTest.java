package pgeventserv.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import pgeventserv.fanout.filter.Filter;
import pgeventserv.fanout.Farewell;
import pgeventserv.fanout.HistoryLimits;
import pgeventserv.fanout.Limits;
import pgeventserv.fanout.Messages;
import pgeventserv.fanout.Subscriber;
import pgeventserv.fanout.Subscriptions;
import pgeventserv.fanout.Writer;

/** The authorizer as its settings make it, and the deadlines it schedules: no database. */
class AuthorizerSettingsTest {

    /** A task the authorizer scheduled, with its delay in milliseconds. */
    private record Scheduled(Runnable task, long delayMillis) {
    }

    private final List<Scheduled> scheduled = new ArrayList<>();

    private ScheduledExecutorService scheduler() {
        return (ScheduledExecutorService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ScheduledExecutorService.class}, (p, m, a) -> {
                    if (!m.getName().equals("schedule") || !(a[0] instanceof Runnable)) {
                        throw new UnsupportedOperationException(m.getName());
                    }
                    scheduled.add(new Scheduled((Runnable) a[0], ((TimeUnit) a[2]).toMillis((Long) a[1])));
                    return null;
                });
    }

    private static Authorizer configured(Optional<String> secret, Optional<String> publicKeyFile,
            Optional<Boolean> required) {
        Authorizer a = new Authorizer();
        a.secret = secret;
        a.publicKeyFile = publicKeyFile;
        a.issuer = Optional.empty();
        a.audience = Optional.empty();
        a.channelsClaim = "channels";
        a.queryParameter = Optional.empty();
        a.authRequired = required;
        a.functionName = Optional.empty();
        a.dataSourceName = "jdbc/none";
        return a;
    }

    @Test
    void aSecretTurnsAuthenticationOnAndRequiredByDefault() throws Exception {
        Authorizer a = configured(Optional.of(TestTokens.SECRET), Optional.empty(), Optional.empty());
        a.init();
        assertTrue(a.enabled());
        assertTrue(a.required());
        Grant grant = a.authenticate(TestTokens.hs256(TestTokens.claims("people")));
        assertTrue(grant.covers("people"));
        assertFalse(grant.covers("payroll"));
    }

    @Test
    void aSecretWithAuthNotRequiredLetsClientsWithoutATokenIn() throws Exception {
        Authorizer a = configured(Optional.of(TestTokens.SECRET), Optional.empty(), Optional.of(false));
        a.init();
        assertTrue(a.enabled());
        assertFalse(a.required());
        assertSame(Grant.ANONYMOUS, a.authenticate(null));
    }

    @Test
    void withoutAKeyAuthenticationIsOffAndEveryoneIsAnonymous() throws Exception {
        Authorizer a = configured(Optional.empty(), Optional.empty(), Optional.empty());
        a.init();
        assertFalse(a.enabled());
        assertFalse(a.required());
        assertSame(Grant.ANONYMOUS, a.authenticate(null));
    }

    @Test
    void authRequiredWithoutAKeyIsAMistakeSaidAtStartup() {
        Authorizer a = configured(Optional.empty(), Optional.empty(), Optional.of(true));
        assertThrows(IllegalStateException.class, a::init);
    }

    @Test
    void aSecretAndAPublicKeyFileTogetherAreAMistakeSaidAtStartup() {
        Authorizer a = configured(Optional.of(TestTokens.SECRET), Optional.of("/nowhere.pem"), Optional.empty());
        assertThrows(IllegalArgumentException.class, a::init);
    }

    @Test
    void theQueryParameterIsReadOnlyWhenOneIsNamed() {
        Authorizer a = configured(Optional.empty(), Optional.empty(), Optional.empty());
        assertNull(a.queryParameter());
        a.queryParameter = Optional.of("jwt");
        assertEquals("jwt", a.queryParameter());
        assertNull(new Authorizer(null, false, null, null).queryParameter(), "not configured at all");
    }

    @Test
    void aGrantThatExpiresClosesItsSubscriberWhenItDoes() {
        Authorizer a = new Authorizer(new Verifier(TestTokens.secret(), null, null, "channels"), true, null,
                scheduler());
        long expires = System.currentTimeMillis() + 60_000;
        Grant grant = new Grant("alice", List.of(), Filter.NONE, expires, "{}", "k");
        Subscriptions subscriptions = new Subscriptions(new Limits(10, 1 << 20),
                new HistoryLimits(0, 0, Duration.ZERO), 10, 10, c -> CompletableFuture.completedFuture(null),
                c -> { }, 0);
        Subscriber s = subscriptions.subscribe(List.of(), null, true, null);
        List<Farewell> closes = new ArrayList<>();
        s.attach(new Writer() {
            @Override
            public boolean writable() {
                return true;
            }

            @Override
            public void write(Messages messages) {
            }

            @Override
            public boolean keepAlive() {
                return true;
            }

            @Override
            public void close(Farewell farewell) {
                closes.add(farewell);
            }
        });
        a.endAtExpiry(grant, s);
        assertEquals(1, scheduled.size());
        long delay = scheduled.get(0).delayMillis();
        assertTrue(delay > 50_000 && delay <= 60_000, "until the expiry: " + delay);
        assertEquals(List.of(), closes);
        scheduled.get(0).task().run();
        assertEquals(List.of(Authorizer.TOKEN_EXPIRED), closes);
    }

    @Test
    void aGrantAlreadyExpiredIsClosedAtOnceAndOneThatNeverExpiresIsNotScheduled() {
        Authorizer a = new Authorizer(new Verifier(TestTokens.secret(), null, null, "channels"), true, null,
                scheduler());
        assertNull(a.endAtExpiry(Grant.ANONYMOUS, null));
        assertEquals(List.of(), scheduled);
        a.endAtExpiry(new Grant("bob", List.of(), Filter.NONE, 1, "{}", "k"), null);
        assertEquals(0, scheduled.get(0).delayMillis());
    }

    @Test
    void laterSchedulesTheTaskAfterItsDelay() {
        Authorizer a = new Authorizer(null, false, null, scheduler());
        Runnable task = () -> { };
        a.later(1_234, task);
        assertEquals(List.of(new Scheduled(task, 1_234)), scheduled);
    }

    @Test
    void aRefusalDecidedElsewhereIsCounted() {
        Authorizer a = new Authorizer(null, false, null, null);
        a.refused(Denial.MISSING, "no auth message in time");
        assertEquals(1, a.refusals(Denial.MISSING));
        assertEquals(0, a.refusals(Denial.INVALID));
    }

    @Test
    void aGrantNamesOnlyItsSubject() {
        Grant grant = new Grant("alice", List.of(), Filter.NONE, Grant.NEVER, "{\"secret\":1}", "k");
        assertEquals("alice", grant.getName());
        assertEquals("Grant[alice]", grant.toString());
        assertFalse(grant.expires());
    }
}
