/**
 * The database side: one LISTEN connection for every channel, and a CDI event of the fan-out's types per
 * notification; the durable events' table, read for the fan-out through its port.
 *
 * <p>Class map (job; thread):
 * <ul>
 *   <li>{@link pgeventserv.postgres.NotificationListener}: the {@code @Startup @Singleton} EJB that owns the LISTEN
 *       thread and fires the events; its loop runs on that thread.</li>
 *   <li>{@link pgeventserv.postgres.ListenConnection}: the LISTEN connection (statements in one round trip, the
 *       canary's NOTIFY, polls, abort, release); listener thread.</li>
 *   <li>{@link pgeventserv.postgres.ListenRequests}: the wanted channels and the LISTEN/UNLISTEN requests; any thread
 *       asks, the listener thread applies.</li>
 *   <li>{@link pgeventserv.postgres.DriverNotifications}: pgjdbc's notification API reached through the driver's own
 *       class loader; listener thread.</li>
 *   <li>{@link pgeventserv.postgres.ListenerStatus}, {@link pgeventserv.postgres.ListenerMeter}: the connection's
 *       state (logged once per change) and figures; written by the listener thread, read by health and metrics.</li>
 *   <li>{@link pgeventserv.postgres.Canary}: the notification proving the whole path works; listener thread.</li>
 *   <li>{@link pgeventserv.postgres.Backoff}, {@link pgeventserv.postgres.ChannelIdentifier},
 *       {@link pgeventserv.postgres.DurableReference}: reconnect delays, quoting, the hint's wire format.</li>
 *   <li>{@link pgeventserv.postgres.DurableStore}: the {@code @Startup @Singleton} that makes the reader and
 *       schedules the retention.</li>
 *   <li>{@link pgeventserv.postgres.DurableEvents}: the fan-out's {@link pgeventserv.fanout.DurableReader}, one per
 *       lane; the read executors' threads.</li>
 *   <li>{@link pgeventserv.postgres.DurableConnections}: pooled connections for durable work, in two lanes, always one
 *       left for the LISTEN reconnect; any thread.</li>
 *   <li>{@link pgeventserv.postgres.Retention}, {@link pgeventserv.postgres.DurableTable}: deleting old rows; what is
 *       known of the table (logged once per change).</li>
 * </ul>
 *
 * <p>pgjdbc has no background reader: {@code getNotifications(timeout)} blocks and no other thread may use the
 * connection meanwhile, so only the listener thread touches it. A broken connection is {@code abort}ed, never just
 * closed: a container pool (Payara's at least) takes a closed connection back as healthy and would hand the dead one
 * out again; then a fresh connection with capped backoff, every wanted channel LISTENed again, an
 * {@link pgeventserv.fanout.Outage}, and only then {@code UP}. Readiness rests on the canary. A network timeout on
 * every connection turns a silently cut network into a failed query, hence a reconnect, instead of a hang.
 *
 * <p>Durable events (sql/pg_eventserv.sql) announce themselves with a NOTIFY whose payload is a
 * {@link pgeventserv.postgres.DurableReference}; it becomes a durable hint (with the sending session's process id),
 * and the fan-out reads the rows through {@link pgeventserv.postgres.DurableEvents}, which checks the hint against the
 * table first. Positions are given at commit under one advisory lock, so everything at or below a position seen is
 * visible.
 */
package pgeventserv.postgres;
