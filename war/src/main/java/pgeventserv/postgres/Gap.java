package pgeventserv.postgres;

import java.time.Instant;

/**
 * The LISTEN connection was down from {@code since} to {@code until}: PostgreSQL does not keep notifications for
 * a listener that is not connected, so whatever was sent meanwhile is lost. Fired on the listener thread once
 * every channel is LISTENed again and before any notification from the new connection, so observers can tell
 * their clients in order.
 */
public record Gap(Instant since, Instant until) {
}
