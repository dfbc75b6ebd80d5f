package pgeventserv.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.ErrorCodeValidator;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import pgeventserv.access.Glob;
import pgeventserv.fanout.filter.Filter;
import pgeventserv.fanout.filter.FilterException;

/**
 * Turns a token into a {@link Grant}, or refuses it: signature by a {@link TrustedKeys trusted key} with one of
 * its algorithms, {@code iss} and {@code aud} when they are set, {@code exp} and {@code nbf} with
 * {@value #LEEWAY_SECONDS} s of leeway for clocks that disagree. A token without {@code exp} never expires.
 *
 * <p>Refusals carry fixed messages: the library's own name the token's parts, and nothing of a token may reach a
 * client's log or ours.
 */
public final class Verifier {

    public static final int LEEWAY_SECONDS = 30;
    /** The claim that limits what of its channels a token gets (DESIGN §13). */
    public static final String FILTER_CLAIM = "filter";

    private final JwtConsumer consumer;
    private final String channelsClaim;
    private final int maxFilters;

    /** With at most 10 conditions in a {@code filter} claim, {@code MaxFiltersPerSubscriber}'s default. */
    public Verifier(TrustedKeys keys, String issuer, String audience, String channelsClaim) {
        this(keys, issuer, audience, channelsClaim, 10);
    }

    /** @param maxFilters the most conditions the {@code filter} claim may have ({@code MaxFiltersPerSubscriber}) */
    public Verifier(TrustedKeys keys, String issuer, String audience, String channelsClaim, int maxFilters) {
        JwtConsumerBuilder builder = new JwtConsumerBuilder()
                .setVerificationKeyResolver(keys.resolver())
                .setJwsAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        keys.algorithms().toArray(String[]::new)))
                .setAllowedClockSkewInSeconds(LEEWAY_SECONDS);
        if (issuer != null) {
            builder.setExpectedIssuer(issuer);
        }
        if (audience != null) {
            builder.setExpectedAudience(audience);
        } else {
            builder.setSkipDefaultAudienceValidation();
        }
        this.consumer = builder.build();
        this.channelsClaim = channelsClaim;
        this.maxFilters = maxFilters;
    }

    /** @throws Rejected {@link Denial#INVALID} or {@link Denial#EXPIRED} */
    public Grant verify(String token) throws Rejected {
        JwtClaims claims;
        try {
            claims = consumer.processToClaims(token);
        } catch (InvalidJwtException e) {
            throw rejection(e);
        }
        try {
            NumericDate exp = claims.getExpirationTime();
            long expiresAt = exp == null ? Grant.NEVER : exp.getValueInMillis() + LEEWAY_SECONDS * 1000L;
            String subject = claims.getSubject();
            return new Grant(subject == null ? "token" : subject, patterns(claims.getClaimValue(channelsClaim)),
                    filter(claims.getClaimValue(FILTER_CLAIM)), expiresAt, claims.toJson(), digest(token));
        } catch (MalformedClaimException e) {
            throw new Rejected(Denial.INVALID, "token has a malformed claim");
        }
    }

    /** A string is one pattern, a list of strings several; a pattern that is not a glob matches nothing. */
    private static List<Glob> patterns(Object claim) {
        List<Glob> globs = new ArrayList<>();
        if (claim instanceof String s) {
            addGlob(globs, s);
        } else if (claim instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof String s) {
                    addGlob(globs, s);
                }
            }
        }
        return globs;
    }

    private static void addGlob(List<Glob> globs, String pattern) {
        try {
            globs.add(new Glob(pattern));
        } catch (IllegalArgumentException e) {
            // not a pattern: matches nothing
        }
    }

    /**
     * The {@code filter} claim: a list of conditions (or one as a string). One that cannot be read makes the token
     * invalid: a filter set for security is never dropped.
     */
    private Filter filter(Object claim) throws Rejected {
        if (claim == null) {
            return Filter.NONE;
        }
        List<String> conditions = new ArrayList<>();
        if (claim instanceof String s) {
            conditions.add(s);
        } else if (claim instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            list.forEach(item -> conditions.add((String) item));
        } else {
            throw new Rejected(Denial.INVALID, "token's filter claim must be a list of conditions");
        }
        try {
            return Filter.parse(conditions, maxFilters);
        } catch (FilterException e) {
            throw new Rejected(Denial.INVALID, "token's filter claim cannot be read: " + e.getMessage());
        }
    }

    /** Expired only when that is all that is wrong: a forged or foreign token that is also old is invalid. */
    private static Rejected rejection(InvalidJwtException e) {
        List<ErrorCodeValidator.Error> errors = e.getErrorDetails();
        if (e.hasExpired() && errors.stream().allMatch(error -> error.getErrorCode() == ErrorCodes.EXPIRED)) {
            return new Rejected(Denial.EXPIRED, "token expired");
        }
        if (e.hasErrorCode(ErrorCodes.ISSUER_INVALID) || e.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
            return new Rejected(Denial.INVALID, "token issuer not accepted");
        }
        if (e.hasErrorCode(ErrorCodes.AUDIENCE_INVALID) || e.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
            return new Rejected(Denial.INVALID, "token audience not accepted");
        }
        if (e.hasErrorCode(ErrorCodes.NOT_YET_VALID)) {
            return new Rejected(Denial.INVALID, "token not yet valid");
        }
        if (e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
            return new Rejected(Denial.INVALID, "token signature not valid");
        }
        return new Rejected(Denial.INVALID, "token not valid");
    }

    /** Names a token in a cache without keeping it. */
    private static String digest(String token) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
