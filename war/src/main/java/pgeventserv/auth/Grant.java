package pgeventserv.auth;

import java.security.Principal;
import java.util.List;
import pgeventserv.access.Glob;
import pgeventserv.fanout.filter.Filter;

/**
 * What a verified token allows: the channels its claim lists (glob patterns in the {@code Channels} syntax), what
 * of them (its {@code filter} claim: every notification it gets must match it; {@link Filter#NONE} without one),
 * until when, and its claims as JSON for the {@code AuthorizeFunction}. It travels from the front door to the transport
 * as the request's {@link Principal} (the one thing both a servlet and a WebSocket handshake can read) and as the
 * request attribute {@value #ATTRIBUTE}.
 *
 * <p>{@code cacheKey} names the token in the function's cache without keeping the token itself: a digest.
 */
public record Grant(String subject, List<Glob> channels, Filter filter, long expiresAtMillis, String claimsJson,
        String cacheKey) implements Principal {

    /** The request attribute holding the grant the front door admitted the request with. */
    public static final String ATTRIBUTE = "pgeventserv.auth.grant";
    /** A token without {@code exp}. */
    public static final long NEVER = Long.MAX_VALUE;

    /** No token, where none is required: the rights of {@code Channels} alone. */
    public static final Grant ANONYMOUS = new Grant("anonymous", List.of(), Filter.NONE, NEVER, null, null);

    public Grant {
        channels = List.copyOf(channels);
    }

    public boolean anonymous() {
        return this == ANONYMOUS;
    }

    public boolean expires() {
        return expiresAtMillis != NEVER;
    }

    /** True when the token's claim lists a pattern matching the channel (always, for the anonymous grant). */
    public boolean covers(String channel) {
        if (anonymous()) {
            return true;
        }
        for (Glob glob : channels) {
            if (glob.matches(channel)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String getName() {
        return subject;
    }

    /** Never the claims: a log line naming a grant names only its subject. */
    @Override
    public String toString() {
        return "Grant[" + subject + "]";
    }
}
