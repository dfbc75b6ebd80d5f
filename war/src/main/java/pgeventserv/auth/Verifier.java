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

    private final JwtConsumer consumer;
    private final String channelsClaim;

    public Verifier(TrustedKeys keys, String issuer, String audience, String channelsClaim) {
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
                    expiresAt, claims.toJson(), digest(token));
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
