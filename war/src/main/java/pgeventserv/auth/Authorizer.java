package pgeventserv.auth;

import jakarta.annotation.PostConstruct;
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
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import pgeventserv.access.OriginPolicy;
import pgeventserv.fanout.Farewell;
import pgeventserv.fanout.Subscriber;
import pgeventserv.fanout.filter.Filter;
import pgeventserv.postgres.DurableConnections;
import pgeventserv.postgres.DurableStore;

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

    @Inject
    DurableStore durableStore;

    @Inject
    OriginPolicy origins;

    private final Map<Denial, LongAdder> refusals = new EnumMap<>(Denial.class);
    private Verifier verifier;
    private boolean required;
    private AuthorizeFunction function;

    public Authorizer() {
        for (Denial denial : Denial.values()) {
            refusals.put(denial, new LongAdder());
        }
    }

    /** A server without a key: {@code verifier} null. */
    Authorizer(Verifier verifier, boolean required, AuthorizeFunction function) {
        this();
        this.verifier = verifier;
        this.required = verifier != null && required;
        this.function = function;
    }

    @PostConstruct
    void init() {
        if (secret.isPresent() && publicKeyFile.isPresent()) {
            throw new IllegalArgumentException("set JwtSecret or JwtPublicKeyFile, not both");
        }
        if (secret.isPresent() && secret.get().getBytes(StandardCharsets.UTF_8).length < TrustedKeys.MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("JwtSecret is " + secret.get().getBytes(StandardCharsets.UTF_8).length
                    + " bytes: HS256 needs at least " + TrustedKeys.MIN_SECRET_BYTES + " (a random 32-byte secret,"
                    + " e.g. openssl rand -base64 32)");
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
        if (publicKeyFile.isPresent() && (issuer.isEmpty() || audience.isEmpty())) {
            LOG.warning("JwtPublicKeyFile without " + (issuer.isEmpty() && audience.isEmpty() ? "JwtIssuer and"
                    + " JwtAudience" : issuer.isEmpty() ? "JwtIssuer" : "JwtAudience") + ": any token the key signed"
                    + " is taken, whoever it was issued by or for");
        }
        if (origins.anyOrigin()) {
            LOG.info("the cookie " + Tokens.COOKIE + " is ignored while CORSOrigins is \"*\": any page could ride a"
                    + " visitor's cookie; name the allowed origins to accept it");
        }
        verifier = new Verifier(keys, issuer.orElse(null), audience.orElse(null), channelsClaim, maxFilters);
        required = authRequired.orElse(true);
        if (functionName.isPresent()) {
            // The pool's share that durable reads have too: one connection is always left for the LISTEN reconnect.
            DurableConnections connections = durableStore.connections();
            if (connections == null) {
                throw new IllegalStateException("AuthorizeFunction needs the DataSource " + dataSourceName);
            }
            function = new AuthorizeFunction(connections, functionName.get(), maxFilters);
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
     * The subscriber is closed with {@link #TOKEN_EXPIRED} when the grant runs out (by the relay's periodic sweep,
     * not a timer of its own); a grant that never does clears any earlier deadline. Nothing is left behind when the
     * session ends first.
     */
    public void endAtExpiry(Grant grant, Subscriber subscriber) {
        if (!grant.expires()) {
            subscriber.endAt(Long.MAX_VALUE, null);
            return;
        }
        subscriber.endAt(grant.expiresAtMillis(), TOKEN_EXPIRED,
                () -> LOG.fine(() -> "token of " + grant.subject() + " expired: closing its session"));
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
