/**
 * The database side: one LISTEN connection for every channel, and a CDI event per notification.
 *
 * <p>{@link pgeventserv.postgres.NotificationListener} is a {@code @Startup @Singleton} EJB that owns the
 * connection and the one thread that uses it. pgjdbc has no background reader, so that thread alternates
 * between applying queued LISTEN/UNLISTEN requests and {@code getNotifications(timeout)}; it fires each
 * notification synchronously, in the order PostgreSQL delivered them (commit order), and observers must not
 * block it. The connection comes from the server's DataSource ({@code jdbc/eventserv}); bean-managed
 * transactions keep it out of any container transaction. This package knows nothing of WebSockets.
 *
 * <p>Failure: a broken connection is {@code abort}ed, never just closed: a container pool (Payara's at least)
 * takes a closed connection back as healthy and hands the dead one out again, forever; abort makes it discard
 * it. Then a fresh connection with capped backoff, every wanted channel LISTENed again, a
 * {@link pgeventserv.postgres.Gap} event, and only then {@code UP}. The log line comes once per change of
 * state. On undeploy the connection runs {@code UNLISTEN *} before it goes back to the pool, so nobody inherits
 * our LISTENs (a listener that never reads would hold up PostgreSQL's notification queue).
 *
 * <p>Readiness rests on the {@link pgeventserv.postgres.Canary}, a notification the listener thread sends
 * itself on a private channel: an open connection can still deliver nothing. A network timeout on the
 * connection turns a silently cut network into a failed query, hence a reconnect, instead of a hang.
 *
 * <p>Durable events (sql/pg_eventserv.sql) arrive as ordinary notifications whose payload is a
 * {@link pgeventserv.postgres.DurableReference} ("positions first..last of this channel are committed"); the rows
 * themselves are read by {@link pgeventserv.postgres.DurableEvents} on pooled connections, off the listener
 * thread, in bounded batches. {@link pgeventserv.postgres.DurableConnections} lends reads and deletes at most
 * {@code DbPoolMaxConns} - 1 connections, so the LISTEN connection's reconnect always finds one; each with a
 * network timeout set on it when borrowed, not a pool-wide socket timeout, which would need configuring on every
 * server and would reach the LISTEN connection too (that one bounds its own waits, its polls included). Positions are given at commit under one advisory lock, so everything at or below a
 * referenced position is visible when the reference arrives. {@link pgeventserv.postgres.DurableStore} (a
 * {@code @Startup @Singleton}) holds the reader and schedules the {@link pgeventserv.postgres.Retention};
 * {@link pgeventserv.postgres.DurableTable} turns a missing or failing table into one log line per change, and
 * plain notifications never depend on it.
 */
package pgeventserv.postgres;
