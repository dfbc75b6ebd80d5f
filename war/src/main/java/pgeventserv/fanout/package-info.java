/**
 * The fan-out: channels to their subscribers, one poll's notifications put once per format, a bounded queue per
 * client that lags, and the slow-consumer policy. It knows nothing of WebSocket or HTTP: transports plug in
 * through {@link pgeventserv.fanout.Writer} (can it take more now; write these messages; keep alive; close with a
 * {@link pgeventserv.fanout.Farewell}) and {@link pgeventserv.fanout.Format} (what a notification looks like on
 * that connection). Everything here but {@link pgeventserv.fanout.Relay} (the CDI wiring) is plain Java, tested
 * with a fake writer.
 *
 * <p>Ownership and threads. {@link pgeventserv.fanout.Registry} owns the channel map and each channel's member
 * array (changed copy-on-write under one lock by the server's threads, read without one by the listener thread).
 * {@link pgeventserv.fanout.Fanout} runs on the listener thread only and owns each channel's
 * {@link pgeventserv.fanout.Batch}. Each {@link pgeventserv.fanout.Subscriber} owns its queue and the order of its
 * writes: the listener thread adds, and exactly one thread at a time (whoever wins its drain counter) takes,
 * writes or discards. The lifecycle is one state, {@code HANDSHAKE → OPEN → CLOSING → CLOSED}: a close from any
 * thread changes the state and asks for a drain, and never touches the queue itself. The listener thread never
 * waits on a client: a writer that is not writable gets its messages queued and is asked again after every poll
 * (or says so itself, when its transport has a completion callback).
 *
 * <p>Ids, history, resume. Each notification becomes an {@link pgeventserv.fanout.Event} with the next position of
 * one sequence for all channels, assigned on the listener thread in delivery order; its id
 * ({@link pgeventserv.fanout.EventIds}) is a random run prefix and that position, so another run's ids are never
 * taken for positions. Each channel keeps a bounded {@link pgeventserv.fanout.History} (listener thread only),
 * which also records where continuity broke (the LISTEN began, an outage). Subscribers join and leave channels
 * through moves the listener thread carries out at the start of a poll's end, once the channel's LISTEN is in
 * effect and before that poll's batches go out: a reply, a {@link pgeventserv.fanout.GapNotice} when continuity
 * after the client's id cannot be proven, the history after its id, then the live batches, with no seam between.
 *
 * <p>Durable events. A notification whose payload is a {@link pgeventserv.postgres.DurableReference} becomes a
 * {@link pgeventserv.fanout.DurableRead}: its rows are read by a {@link pgeventserv.fanout.DurableReader} on an
 * executor, never the listener thread, while the channel's later notifications wait behind it in the channel's
 * {@code held} queue (per channel commit order). Reads are released on the listener thread in the order the
 * references came (position order; one transaction's references together), so the durable events delivered are
 * always exactly those up to the watermark W. A durable event's id is {@code d<position>} (global), a plain one's
 * carries W. A resume that history cannot serve, with an id that carries a watermark, becomes a
 * {@link pgeventserv.fanout.DurableResume}: the subscriber waits (its later moves too) while the table is read
 * after its watermark up to the newest position, and joins once every reference up to that is released: a gap,
 * the rows, what history got meanwhile without those rows, then live.
 *
 * <p>Closing a slow client waits for its outstanding write (or a grace period): a close frame stuck behind data
 * the client does not read would never arrive. A database outage is told, in order, to clients whose format can
 * say "gap"; raw WebSocket clients cannot be told in band and stay open.
 */
package pgeventserv.fanout;
