package pgeventserv.fanout;

import java.time.Instant;

/**
 * The LISTEN connection was down from {@code since} to {@code until}: PostgreSQL keeps no notifications for a
 * listener that is not connected, so whatever was sent meanwhile is lost. Fired on the listener thread once every
 * channel is LISTENed again and before any notification of the new connection, so clients are told in order.
 */
public record Outage(Instant since, Instant until) {
}
