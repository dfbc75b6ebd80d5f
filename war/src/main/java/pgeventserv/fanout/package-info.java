/**
 * The fan-out: the delivery core. It owns its types and ports and imports nothing else of this application: the
 * database side fires its events ({@link pgeventserv.fanout.Notification}, {@link pgeventserv.fanout.PollEnd},
 * {@link pgeventserv.fanout.Outage}) and implements its {@link pgeventserv.fanout.DurableReader}; transports supply a
 * {@link pgeventserv.fanout.Writer} and a {@link pgeventserv.fanout.Format}; the wiring package assembles them.
 *
 * <p>Class map (job; thread):
 * <ul>
 *   <li>{@link pgeventserv.fanout.Fanout}: runs the poll's fixed phases in order; listener thread.</li>
 *   <li>{@link pgeventserv.fanout.Subscriptions}: the transports' way in (subscribe, bounds, sweeps); any thread.</li>
 *   <li>{@link pgeventserv.fanout.Channels}: the channel table, LISTEN/UNLISTEN, {@code MaxChannels}, the UNLISTEN
 *       grace; any thread, one lock (cold path).</li>
 *   <li>{@link pgeventserv.fanout.Channel}: one channel's members, LISTEN, history and batch; members under the
 *       table's lock, the rest listener thread.</li>
 *   <li>{@link pgeventserv.fanout.Sessions}: every subscriber: {@code MaxSessions}, unopened handshakes, deadlines,
 *       keep-alive, shutdown; any thread.</li>
 *   <li>{@link pgeventserv.fanout.Moves}, {@link pgeventserv.fanout.Move}: joins, leaves and replies from the
 *       server's threads to the listener thread, each subscriber's in order.</li>
 *   <li>{@link pgeventserv.fanout.Subscriber}: one client's lifecycle and what its transport may ask; any thread.</li>
 *   <li>{@link pgeventserv.fanout.Outbox}: one client's bounded queue (with the replay allowance) and its writes;
 *       the thread that holds its drain.</li>
 *   <li>{@link pgeventserv.fanout.WriteLanes}, {@link pgeventserv.fanout.WriteLane}: the writer threads that share a
 *       poll's writes with the listener thread, draining the outboxes it hands them; each its own thread.</li>
 *   <li>{@link pgeventserv.fanout.Joins}: carries out moves (admission, reply, gap, replay from history); listener
 *       thread.</li>
 *   <li>{@link pgeventserv.fanout.LiveDelivery}: a poll's batches to members, once per format, and into history;
 *       listener thread; filtered members through their channel's
 *       {@link pgeventserv.fanout.filter.ChannelFilters}, each payload read once for all of them.</li>
 *   <li>{@link pgeventserv.fanout.Sequence}: delivery positions and event ids; listener thread.</li>
 *   <li>{@link pgeventserv.fanout.DurableSequencer}: where a durable hint becomes delivered events: reads asked,
 *       checked, released in order, the watermark, catch-ups after an outage; listener thread (reads elsewhere).</li>
 *   <li>{@link pgeventserv.fanout.ReferenceRead}, {@link pgeventserv.fanout.CatchUpRead},
 *       {@link pgeventserv.fanout.PendingRead}: one read each; run on the live read executor, handed over by a
 *       volatile flag.</li>
 *   <li>{@link pgeventserv.fanout.HeldNotifications}: plain notifications waiting behind their channel's reads,
 *       bounded; listener thread.</li>
 *   <li>{@link pgeventserv.fanout.Watermark}: W; written by the sequencer, read for ids; listener thread.</li>
 *   <li>{@link pgeventserv.fanout.DurableContinuity}: where each channel's durable events begin; listener thread
 *       (its read elsewhere).</li>
 *   <li>{@link pgeventserv.fanout.TableResumes}, {@link pgeventserv.fanout.DurableResume}: resumes read from the
 *       table in rounds on the resume executor; listener thread.</li>
 *   <li>{@link pgeventserv.fanout.GapNotices}: telling clients of a gap in their format; listener thread.</li>
 *   <li>{@link pgeventserv.fanout.History}, {@link pgeventserv.fanout.Batch}, {@link pgeventserv.fanout.Event},
 *       {@link pgeventserv.fanout.EventIds}, {@link pgeventserv.fanout.Frame}, {@link pgeventserv.fanout.Messages}:
 *       the values delivery is made of.</li>
 * </ul>
 *
 * <p>Threads. The listener thread runs everything that orders delivery, without a lock. Server threads subscribe,
 * leave and ask (through queues); writers' completions and keep-alive ticks drain outboxes, and so do the write
 * lanes (the listener thread writes its own share of the clients and hands the others' batches over without
 * waiting). Reads of the durable
 * table run on two executors of the wiring's: live reads (hints, catch-ups, continuity) and resume reads, apart, so
 * resumes never hold up live delivery. The listener thread never waits on a client or on the database.
 *
 * <p>Guarantees. Every client gets every notification of its channels in commit order while the LISTEN connection
 * is up; a slow one is closed alone; a resume gets what it missed with no seam, or a gap first; a durable event
 * reaches every client of its channel exactly once, also across outages (one catch-up for all channels) and
 * resumes; a forged hint delivers nothing and moves nothing.
 */
package pgeventserv.fanout;
