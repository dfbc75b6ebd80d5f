package pgeventserv.postgres;

/**
 * One PostgreSQL notification, fired as a CDI event on the listener thread in the order the
 * server delivered them (commit order). The payload is exactly what NOTIFY sent.
 */
public record Notification(String channel, String payload) {
}
