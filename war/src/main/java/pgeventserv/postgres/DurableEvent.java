package pgeventserv.postgres;

import java.time.Instant;

/** One row of {@code pg_eventserv.events}: its global position (commit order), channel, payload as published, commit time. */
public record DurableEvent(long position, String channel, String payload, Instant time) {
}
