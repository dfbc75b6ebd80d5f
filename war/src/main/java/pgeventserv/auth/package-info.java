/**
 * Optional authentication and authorization (DESIGN §10), off unless {@code JwtSecret} or {@code JwtPublicKeyFile}
 * is set. {@link pgeventserv.auth.Verifier} turns a token (verified by jose4j, never by code of ours) into a
 * {@link pgeventserv.auth.Grant}; {@link pgeventserv.auth.Authorizer} decides per channel (the token's channels
 * claim, then the optional SQL {@code AuthorizeFunction}, cached) and ends sessions when their token expires.
 *
 * <p>Where the pieces meet the transports: {@code ListenFilter} reads the token ({@link pgeventserv.auth.Tokens}:
 * {@code Authorization: Bearer}, the cookie {@code pg_eventserv_token}, then {@code JwtQueryParameter} when set),
 * refuses with 401/403 before any upgrade or stream, and hands the grant on as the request's user principal
 * (which the WebSocket handshake sees as {@code HandshakeRequest.getUserPrincipal()}) and as the request attribute
 * {@link pgeventserv.auth.Grant#ATTRIBUTE} (for the event-stream servlet). A multiplexed envelope session may
 * instead authenticate with its first message {@code {"type":"auth","token":"..."}}.
 *
 * <p>Tokens are never logged, at any level: refusal messages are fixed texts, jose4j logs to slf4j's no-op
 * binding, and a grant prints as its subject alone.
 */
package pgeventserv.auth;
