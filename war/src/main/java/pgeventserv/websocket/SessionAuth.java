package pgeventserv.websocket;

import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import pgeventserv.auth.Authorizer;
import pgeventserv.auth.Denial;
import pgeventserv.auth.Grant;
import pgeventserv.auth.Rejected;
import pgeventserv.fanout.Farewell;
import pgeventserv.fanout.Frame;
import pgeventserv.fanout.Subscriber;
import pgeventserv.fanout.filter.Filter;

/**
 * The rights of one multiplexed session, when authentication is on. It starts with the grant the front door
 * admitted it with (a token in a header or cookie), or none: then the client has {@value #AUTH_WAIT_SECONDS} s to
 * send {@code {"type":"auth","token":"..."}}, or gets an {@code error} and close 1008. A later {@code auth} before
 * the token expires replaces it (a fresh token extends the session); subscribed channels the new token does not
 * cover are left with a {@code refused} reply. When the token expires, the session closes with 1008
 * {@code token expired}.
 *
 * <p>Used by the session's endpoint, one message at a time; the scheduled tasks only close the subscriber.
 */
final class SessionAuth {

    static final long AUTH_WAIT_SECONDS = 5;

    private final Authorizer authorizer;
    private final Subscriber subscriber;
    private Grant grant;
    private ScheduledFuture<?> deadline;
    private ScheduledFuture<?> expiry;

    SessionAuth(Authorizer authorizer, Subscriber subscriber, Grant admitted) {
        this.authorizer = authorizer;
        this.subscriber = subscriber;
        this.grant = admitted;
    }

    /** The connection is open: the clock of its expiry, or of its deadline to authenticate, starts. */
    void opened() {
        if (grant != null) {
            expiry = authorizer.endAtExpiry(grant, subscriber);
            return;
        }
        deadline = authorizer.later(TimeUnit.SECONDS.toMillis(AUTH_WAIT_SECONDS), () -> {
            authorizer.refused(Denial.MISSING, "no auth message within " + AUTH_WAIT_SECONDS + " s");
            String reason = "authentication required: send {\"type\":\"auth\",\"token\":\"...\"} first";
            subscriber.send(Frame.of(Envelope.error(reason)));
            subscriber.close(new Farewell(Farewell.POLICY_VIOLATION, "authentication required"));
        });
    }

    /**
     * The {@code auth} command. A bad token ends the session (an {@code error}, then close 1008): a client that
     * sends one is not going to get further.
     *
     * @param subscribed each subscribed channel with the token's filter it was subscribed under
     * @param leave      called with each subscribed channel the new token does not cover, or filters otherwise
     *                   (the client subscribes again to get what the new token allows), and why
     */
    void authenticate(String token, Map<String, Filter> subscribed, ChannelLeaver leave) {
        Grant fresh;
        try {
            if (token == null || token.isEmpty()) {
                authorizer.refused(Denial.MISSING, "auth without a token");
                throw new Rejected(Denial.MISSING, "auth needs a \"token\"");
            }
            fresh = authorizer.authenticate(token);
        } catch (Rejected e) {
            subscriber.replyAndClose(Frame.of(Envelope.error(e.getMessage())),
                    new Farewell(Farewell.POLICY_VIOLATION, e.getMessage()));
            return;
        }
        cancel(deadline);
        cancel(expiry);
        grant = fresh;
        subscribed.forEach((channel, filter) -> {
            try {
                if (!authorizer.authorize(fresh, channel).conditions().equals(filter.conditions())) {
                    leave.leave(channel, new Rejected(Denial.CHANNEL, "the new token filters channel '" + channel
                            + "' otherwise: subscribe again"));
                }
            } catch (Rejected e) {
                leave.leave(channel, e);
            }
        });
        expiry = authorizer.endAtExpiry(fresh, subscriber);
    }

    /**
     * Whether the session may subscribe to the channel, and what of it.
     *
     * @return the token's filter for the channel
     * @throws Rejected 401 before the session authenticated, else as {@link Authorizer#authorize}
     */
    Filter authorize(String channel) throws Rejected {
        if (grant == null) {
            throw new Rejected(Denial.MISSING, "authenticate first: {\"type\":\"auth\",\"token\":\"...\"}");
        }
        return authorizer.authorize(grant, channel);
    }

    void closed() {
        cancel(deadline);
        cancel(expiry);
    }

    private static void cancel(ScheduledFuture<?> future) {
        if (future != null) {
            future.cancel(false);
        }
    }

    /** Leaves a channel the session may no longer listen to. */
    @FunctionalInterface
    interface ChannelLeaver {
        void leave(String channel, Rejected why);
    }
}
