package pgeventserv.auth;

/**
 * Why a client was refused by authentication or authorization, with the HTTP status it gets (also the
 * {@code status} of an envelope {@code refused} reply) and the {@code reason} tag of the refusals metric.
 */
public enum Denial {
    /** No token where one is required. */
    MISSING(401, "missing"),
    /** A token that is not well formed, not signed by our key, for another issuer or audience, or not yet valid. */
    INVALID(401, "invalid"),
    /** A token past its {@code exp}, leeway included (and otherwise good). */
    EXPIRED(401, "expired"),
    /** A good token whose channels claim does not cover the channel. */
    CHANNEL(403, "channel"),
    /** A good token the {@code AuthorizeFunction} refuses for the channel. */
    FUNCTION(403, "function"),
    /** The {@code AuthorizeFunction} could not be called, or failed: nobody knows, so try again later. */
    FUNCTION_FAILED(503, "function_failed");

    private final int status;
    private final String tag;

    Denial(int status, String tag) {
        this.status = status;
        this.tag = tag;
    }

    public int status() {
        return status;
    }

    /** The {@code reason} tag of {@code pg_eventserv_auth_refusals}. */
    public String tag() {
        return tag;
    }

    /**
     * The {@code WWW-Authenticate} challenge of a 401 (RFC 6750): bare when no token came, with
     * {@code error="invalid_token"} when one did.
     */
    public String challenge() {
        return switch (this) {
            case MISSING -> "Bearer realm=\"pg_eventserv\"";
            case INVALID -> "Bearer realm=\"pg_eventserv\", error=\"invalid_token\", error_description=\"token not valid\"";
            case EXPIRED -> "Bearer realm=\"pg_eventserv\", error=\"invalid_token\", error_description=\"token expired\"";
            default -> null;
        };
    }
}
