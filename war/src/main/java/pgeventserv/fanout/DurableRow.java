package pgeventserv.fanout;

import java.time.Instant;

/** One stored durable event: its global position (commit order), channel, payload as published, commit time. */
public record DurableRow(long position, String channel, String payload, Instant time) {
}
