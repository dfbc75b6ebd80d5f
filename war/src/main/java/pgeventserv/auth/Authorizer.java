package pgeventserv.auth;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import pgeventserv.fanout.Farewell;
import pgeventserv.fanout.Subscriber;
import pgeventserv.fanout.filter.Filter;

/**
 * Who may listen to what, when {@code JwtSecret} or {@code JwtPublicKeyFile} is set: a token becomes a
 * {@link Grant} (or a 401), a grant and a channel become a yes (or a 403, or a 503 when the
 * {@code AuthorizeFunction} cannot answer), and a session on a token that expires is ended then. Without a key,
 * {@link #enabled()} is false and the transports never call the rest.
 *
 * <p>Every refusal is counted by {@link Denial} for {@code /metrics} and logged at FINE, never with the token.
 */
@ApplicationScoped
public class Authorizer {

    /** The farewell of a session whose token expired. */
    public static final Farewell TOKEN_EXPIRED = new Farewell(Farewell.POLICY_VIOLATION, "token expired");

    private static final Logger LOG = Logger.getLogger(Authorizer.class.getName());

    @Inject
    @ConfigProperty(name = "JwtSecret")
    Optional<String> secret;

    @Inject
    @ConfigProperty(name = "JwtPublicKeyFile")
    Optional<String> publicKeyFile;

    @Inject
    @ConfigProperty(name = "JwtIssuer")
    Optional<String> issuer;

    @Inject
    @ConfigProperty(name = "JwtAudience")
    Optional<String> audience;

    @Inject
    @ConfigProperty(name = "JwtChannelsClaim")
    String channelsClaim;

    @Inject
    @ConfigProperty(name = "JwtQueryParameter")
    Optional<String> queryParameter;

    @Inject
    @ConfigProperty(name = "AuthRequired")
    Optional<Boolean> authRequired;

    @Inject
    @ConfigProperty(name = "AuthorizeFunction")
    Optional<String> functionName;

    @Inject
    @ConfigProperty(name = "DataSource")
    String dataSourceName;

    @Inject
    @ConfigProperty(name = "MaxFiltersPerSubscriber")
    int maxFilters;

    @Resource
    ManagedScheduledExecutorService managedScheduler;

    private final Map<Denial, LongAdder> refusals = new EnumMap<>(Denial.class);
    private Verifier verifier;
    private boolean required;
    private AuthorizeFunction function;
    private ScheduledExecutorService scheduler;

    public Authorizer() {
        for (Denial denial : Denial.values()) {
            refusals.put(denial, new LongAdder());
        }
    }

    /** A server without a key: {@code verifier} null. */
    Authorizer(Verifier verifier, boolean required, AuthorizeFunction function, ScheduledExecutorService scheduler) {
        this();
        this.verifier = verifier;
        this.required = verifier != null && required;
        this.function = function;
        this.scheduler = scheduler;
    }

    @PostConstruct
    void init() {
        scheduler = managedScheduler;
        if (secret.isPresent() && publicKeyFile.isPresent()) {
            throw new IllegalArgumentException("set JwtSecret or JwtPublicKeyFile, not both");
        }
        TrustedKeys keys = secret.map(TrustedKeys::secret)
                .or(() -> publicKeyFile.map(file -> TrustedKeys.publicKeyFile(Path.of(file))))
                .orElse(null);
        if (keys == null) {
            if (authRequired.orElse(false)) {
                throw new IllegalStateException("AuthRequired = true needs JwtSecret or JwtPublicKeyFile");
            }
            if (functionName.isPresent() || issuer.isPresent() || audience.isPresent()) {
                LOG.warning("JwtIssuer, JwtAudience and AuthorizeFunction do nothing without JwtSecret or"
                        + " JwtPublicKeyFile: every client may listen to every channel Channels allows");
            }
            return;
        }
        if (secret.isPresent() && secret.get().getBytes(StandardCharsets.UTF_8).length
                < TrustedKeys.MIN_SECRET_BYTES) {
            LOG.severe("JwtSecret is shorter than " + TrustedKeys.MIN_SECRET_BYTES
                    + " bytes: HS256 needs at least that much, so every token will be refused");
        }
        verifier = new Verifier(keys, issuer.orElse(null), audience.orElse(null), channelsClaim, maxFilters);
        required = authRequired.orElse(true);
        if (functionName.isPresent()) {
            try {
                function = new AuthorizeFunction((DataSource) new InitialContext().lookup(dataSourceName),
                        functionName.get(), maxFilters);
            } catch (NamingException e) {
                throw new IllegalStateException("AuthorizeFunction needs the DataSource " + dataSourceName, e);
            }
        }
        LOG.info(() -> "authentication on: tokens " + String.join("/", keys.algorithms())
                + (required ? ", required" : ", optional") + (function != null ? ", channels also decided by "
                + functionName.get() : "") + queryParameter.map(p -> ", also read from the parameter " + p).orElse(""));
    }

    /** Made at startup, in the application's context: the DataSource lookup needs it. */
    void start(@Observes Startup startup) {
        enabled();
    }

    /** True when a key is set: only then do tokens mean anything. */
    public boolean enabled() {
        return verifier != null;
    }

    /** True when a client without a token is refused (401); otherwise it gets the rights of {@code Channels}. */
    public boolean required() {
        return required;
    }

    /** The query parameter a token may come in, or null: never read from the URL. */
    public String queryParameter() {
        return queryParameter == null ? null : queryParameter.orElse(null);
    }

    /**
     * The grant of a token; without one, {@link Grant#ANONYMOUS} unless tokens are required.
     *
     * @throws Rejected 401: missing, invalid or expired
     */
    public Grant authenticate(String token) throws Rejected {
        try {
            if (token == null || token.isEmpty()) {
                if (required) {
                    throw new Rejected(Denial.MISSING, "a token is required");
                }
                return Grant.ANONYMOUS;
            }
            return verifier.verify(token);
        } catch (Rejected e) {
            throw refused(e, null);
        }
    }

    /**
     * Whether the grant covers the channel, and what of it: its claim, then the {@code AuthorizeFunction} (for a
     * token, not for anonymous clients). The allow-list {@code Channels} is the caller's to check, as without a key.
     *
     * @return the filter every notification of the channel must match for this token: its {@code filter} claim
     *         and what the function returned ({@link Filter#NONE}: all of it). A client's own filter can only narrow
     *         it ({@link Filter#and}).
     * @throws Rejected 403 not covered or refused by the function, 503 the function failed
     */
    public Filter authorize(Grant grant, String channel) throws Rejected {
        if (!grant.covers(channel)) {
            throw refused(new Rejected(Denial.CHANNEL, "the token does not cover channel '" + channel + "'"), channel);
        }
        if (function == null || grant.anonymous()) {
            return grant.filter();
        }
        Optional<Filter> allowed;
        try {
            allowed = function.allows(grant, channel);
        } catch (SQLException e) {
            LOG.warning(() -> "AuthorizeFunction failed for channel " + channel + ": " + e.getMessage());
            throw refused(new Rejected(Denial.FUNCTION_FAILED, "authorization is not available: try again later"),
                    channel);
        }
        if (allowed.isEmpty()) {
            throw refused(new Rejected(Denial.FUNCTION, "channel '" + channel + "' is not allowed for this token"),
                    channel);
        }
        return grant.filter().and(allowed.get());
    }

    /** Counts a refusal decided elsewhere (a session that never sent its {@code auth}). */
    public void refused(Denial denial, String why) {
        refused(new Rejected(denial, why), null);
    }

    /**
     * Closes the subscriber with {@link #TOKEN_EXPIRED} when the grant runs out; null for a grant that never does.
     * Cancel the result when the session ends first, or it keeps the subscriber until then.
     */
    public ScheduledFuture<?> endAtExpiry(Grant grant, Subscriber subscriber) {
        if (!grant.expires()) {
            return null;
        }
        return later(Math.max(0, grant.expiresAtMillis() - System.currentTimeMillis()), () -> {
            LOG.fine(() -> "token of " + grant.subject() + " expired: closing its session");
            subscriber.close(TOKEN_EXPIRED);
        });
    }

    /** Runs the task on the server's scheduler after the delay (a session's deadline to authenticate). */
    public ScheduledFuture<?> later(long delayMillis, Runnable task) {
        return scheduler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    }

    /** Refusals since start, for {@code pg_eventserv_auth_refusals}. */
    public long refusals(Denial denial) {
        return refusals.get(denial).sum();
    }

    private Rejected refused(Rejected rejected, String channel) {
        refusals.get(rejected.denial()).increment();
        LOG.fine(() -> "refused " + rejected.denial().status() + " (" + rejected.denial().tag() + ")"
                + (channel == null ? "" : " channel " + channel) + ": " + rejected.getMessage());
        return rejected;
    }
}
