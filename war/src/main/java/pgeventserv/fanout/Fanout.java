package pgeventserv.fanout;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The delivery core on the listener thread: it takes the listener's notifications one by one and, at the end of
 * each poll, runs the poll's fixed phases in order. Each phase is a class of its own:
 * <ol>
 *   <li>channels whose LISTEN took effect start their history, and {@link DurableContinuity} learns where their
 *       durable events begin;</li>
 *   <li>{@link TableResumes} whose reads are released join;</li>
 *   <li>{@link DurableSequencer} releases the durable reads that are done, in the order asked, with the plain
 *       notifications that waited behind them;</li>
 *   <li>{@link Joins} carries out subscribers' moves (joins, leaves, replies), before this poll's events go out;</li>
 *   <li>{@link LiveDelivery} writes the poll's batches to every member, once per client, and into history;</li>
 *   <li>subscribers that waited for their writer are drained again.</li>
 * </ol>
 * A notification becomes an event at once ({@link Sequence}), unless it is a durable hint (its rows are read off
 * this thread) or its channel waits behind such a read.
 *
 * <p>Listener thread only: nothing here takes a lock or waits.
 */
public final class Fanout {

    private static final long EVICTION_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Subscriptions subscriptions;
    private final Channels channels;
    private final Sequence sequence;
    private final LiveDelivery live;
    private final DurableSequencer durable;
    private final DurableContinuity continuity;
    private final TableResumes resumes;
    private final Joins joins;
    private final ArrayDeque<Subscriber> retry = new ArrayDeque<>();
    private long lastEvictionNanos = System.nanoTime();

    /** Without durable events: durable hints are ignored. */
    public Fanout(Subscriptions subscriptions, EventIds ids) {
        this(subscriptions, ids, null, Runnable::run, null, Runnable::run, EventIds.UNKNOWN);
    }

    /**
     * @param reader        the durable events' table for live hints, catch-ups and continuity; null when there are
     *                      none (hints are ignored)
     * @param liveReads     where those reads run, never the listener thread
     * @param resumeReader  the same table for resumes, on connections of their own
     * @param resumeReads   where resumes' reads run: apart, so they never hold up live reads
     * @param watermark     where the durable watermark starts; {@link EventIds#UNKNOWN} until the first durable
     *                      event is released (plain ids carry none until then)
     */
    public Fanout(Subscriptions subscriptions, EventIds ids, DurableReader reader, Executor liveReads,
            DurableReader resumeReader, Executor resumeReads, long watermark) {
        this(subscriptions, ids, reader, liveReads, resumeReader, resumeReads, watermark, DurableResume.MAX_ROWS,
                DurableSequencer.HOLD_LIMIT_NANOS);
    }

    Fanout(Subscriptions subscriptions, EventIds ids, DurableReader reader, Executor liveReads,
            DurableReader resumeReader, Executor resumeReads, long watermark, int resumeRows, long holdLimitNanos) {
        this.subscriptions = subscriptions;
        this.channels = subscriptions.channels();
        Watermark w = new Watermark(reader == null ? EventIds.UNKNOWN : watermark);
        this.sequence = new Sequence(ids, w);
        this.live = new LiveDelivery(channels, w);
        this.durable = new DurableSequencer(reader, liveReads, channels, live, sequence, w, subscriptions.counters(),
                holdLimitNanos);
        this.continuity = new DurableContinuity(reader, liveReads);
        this.resumes = new TableResumes(reader == null ? null : resumeReader, resumeReads, channels, sequence, durable, subscriptions.counters(),
                resumeRows);
        this.joins = new Joins(channels, subscriptions.moves(), resumes, sequence);
    }

    /** One notification, in the order PostgreSQL delivered it. */
    public void deliver(Notification notification) {
        Channel channel = channels.get(notification.channel());
        if (channel == null) {
            return;
        }
        if (notification.durable()) {
            durable.hint(channel, notification.durableFirst(), notification.durableLast(), notification.sender());
        } else if (!durable.held(channel, notification.payload())) {
            live.add(channel, sequence.plain(channel.name, notification.payload()));
        }
    }

    /** The poll ended: its phases, in order. */
    public void pollEnded() {
        // Notifications arrive only after the poll's LISTENs: a LISTEN done by now hears everything after this.
        long beforeThisPoll = sequence.position() - live.eventsThisPoll();
        channels.takeListened(channel -> {
            channel.history.listened(beforeThisPoll);
            continuity.listened(channel);
        });
        continuity.readWanted();
        continuity.collect();
        long now = System.nanoTime();
        // Resumes first: what is released now goes to them live, what was released before is in history.
        resumes.finishReady();
        durable.releaseDone(now);
        resumes.collectRead();
        joins.run();
        live.deliver();
        sequence.pollEnded();
        if (now - lastEvictionNanos > EVICTION_INTERVAL_NANOS) {
            lastEvictionNanos = now;
            for (Channel channel : channels.all()) {
                channel.history.evictOlderThan(now);
            }
        }
        subscriptions.takeAwaiting(retry);
        for (Subscriber s; (s = retry.poll()) != null; ) {
            s.outbox().retry();
        }
    }

    /**
     * The LISTEN connection is back after an outage (or came up after clients subscribed): each channel's history
     * records the break and its clients whose format can say so are told, before anything newer (raw WebSocket
     * clients cannot be told in band: they stay open and go on). Durable events are not lost with the outage: one
     * catch-up reads them for every channel.
     */
    public void outage(Outage outage) {
        for (Channel channel : channels.all()) {
            channel.history.outage(sequence.position(), outage.since(), outage.until());
            GapNotices.tellMembers(channel, new GapNotice(channel.name, GapNotice.OUTAGE, null, outage.since(),
                    outage.until()));
        }
        durable.outage();
        joins.tellOutage(outage.since(), outage.until());
    }

    /** The durable watermark: every durable event at or below it has been released. */
    long watermark() {
        return durable.watermark();
    }

    /** Whether a resume is still reading or waiting (tests run polls until none is). */
    boolean resuming() {
        return resumes.resuming();
    }

    /** Whether durable reads are out. */
    boolean reading() {
        return durable.reading();
    }

    /** The position of the last event delivered. */
    long position() {
        return sequence.position();
    }
}
