package pgeventserv.fanout;

import java.time.Instant;

/**
 * What a client is told when the server cannot prove that it missed nothing: before anything newer, never
 * otherwise. Fields as the gap message carries them; absent ones are null.
 *
 * @param channel     the channel concerned
 * @param reason      {@link #HISTORY}, {@link #UNKNOWN}, {@link #OUTAGE} or {@link #RETENTION}
 * @param lastEventId the id the client resumed from
 * @param since       when the outage began
 * @param until       when it ended
 */
public record GapNotice(String channel, String reason, String lastEventId, Instant since, Instant until) {

    /** The client's id is older than what the channel's history still holds. */
    public static final String HISTORY = "history";
    /** The client's id is not one of this server's (another server, an earlier run, garbage). */
    public static final String UNKNOWN = "unknown";
    /** The LISTEN connection was down: PostgreSQL keeps nothing for a listener that is not connected. */
    public static final String OUTAGE = "outage";
    /** The client's id is older than what durable storage still holds. */
    public static final String RETENTION = "retention";
}
