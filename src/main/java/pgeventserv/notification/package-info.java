/**
 * The database side: one LISTEN connection for every channel, and a CDI event per notification.
 *
 * <p>{@link pgeventserv.notification.NotificationListener} is a {@code @Startup @Singleton} EJB that owns the
 * connection and the one thread that uses it. pgjdbc has no background reader, so that thread alternates
 * between applying queued LISTEN/UNLISTEN requests and {@code getNotifications(timeout)}; it fires each
 * notification synchronously, in the order PostgreSQL delivered them (commit order), and observers must not
 * block it. The connection comes from the server's DataSource ({@code jdbc/eventserv}); bean-managed
 * transactions keep it out of any container transaction. This package knows nothing of WebSockets.
 */
package pgeventserv.notification;
