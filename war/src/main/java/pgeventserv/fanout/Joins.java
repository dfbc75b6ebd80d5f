package pgeventserv.fanout;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Subscribers' moves, carried out at the end of a poll, before its events go out: a join makes the subscriber a
 * member of its channels, sends its reply, then, when it resumes, a gap for each channel whose continuity cannot be
 * proven and every event history holds after its id, in delivery order (or hands it to {@link TableResumes} when
 * only the table can serve it); its live events follow from this poll on, so nothing is missed or doubled at the
 * seam. A filtered channel's replay holds only the events its filter lets through; gaps are about the channel and
 * are told whatever the filter. A leave takes it off a channel after that channel's last event for it; a reply is
 * sent in its turn. Filtered subscribers that left everything leave the filter indexes first.
 *
 * <p>Listener thread only.
 */
final class Joins {

    private final Channels channels;
    private final Moves moves;
    private final TableResumes resumes;
    private final Sequence sequence;
    private final ArrayDeque<Move> ready = new ArrayDeque<>();

    Joins(Channels channels, Moves moves, TableResumes resumes, Sequence sequence) {
        this.channels = channels;
        this.moves = moves;
        this.resumes = resumes;
        this.sequence = sequence;
    }

    /** Every move that can be carried out now, in the order asked. */
    void run() {
        channels.takeDepartures();
        moves.take(ready, move -> channels.listened(move.channels()), resumes::busy);
        for (Move m; (m = ready.poll()) != null; ) {
            switch (m.kind()) {
                case JOIN -> join(m);
                case LEAVE -> {
                    channels.remove(m.subscriber(), m.channels().get(0), System.nanoTime());
                    offer(m.subscriber(), m.reply());
                }
                case REPLY -> {
                    offer(m.subscriber(), m.reply());
                    if (m.farewell() != null) {
                        m.subscriber().close(m.farewell());
                    }
                }
            }
        }
    }

    private static void offer(Subscriber subscriber, Frame reply) {
        if (reply != null) {
            subscriber.outbox().offer(reply);
        }
    }

    private void join(Move move) {
        Subscriber subscriber = move.subscriber();
        String lastEventId = move.lastEventId();
        List<History.Replay> replays = null;
        if (lastEventId != null) {
            long from = sequence.ids().position(lastEventId);
            if (from == EventIds.UNKNOWN) {
                from = positionOfDurable(move.channels(), EventIds.durablePosition(lastEventId));
            }
            long now = System.nanoTime();
            replays = new ArrayList<>(move.channels().size());
            boolean gap = false;
            List<Channel> joined = new ArrayList<>(move.channels().size());
            for (String name : move.channels()) {
                Channel channel = channels.get(name);
                joined.add(channel);
                History.Replay r = channel.history.since(from, now);
                gap |= r.gapReason() != null;
                replays.add(r);
            }
            long durableWatermark = EventIds.watermark(lastEventId);
            if (durableWatermark >= 0 && resumes.available()
                    && (gap || DurableContinuity.listenedSince(joined, durableWatermark))) {
                resumes.start(move, durableWatermark, replays);
                return;
            }
        }
        if (!channels.arrive(subscriber, move, System.nanoTime())) {
            return;
        }
        offer(subscriber, move.reply());
        if (replays != null) {
            replay(subscriber, move, replays);
        }
    }

    /** A gap for each channel whose continuity is not proven, then what the histories hold, in delivery order. */
    private static void replay(Subscriber subscriber, Move move, List<History.Replay> replays) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < replays.size(); i++) {
            History.Replay r = replays.get(i);
            if (r.gapReason() != null) {
                GapNotices.tell(subscriber, new GapNotice(move.channels().get(i), r.gapReason(), move.lastEventId(),
                        r.outageSince(), r.outageUntil()));
            }
            for (Event event : r.events()) {
                if (move.wants(event)) {
                    events.add(event);
                }
            }
        }
        if (events.isEmpty()) {
            return;
        }
        if (move.channels().size() > 1) {
            events.sort(LiveDelivery.DELIVERY_ORDER);
        }
        ArrayList<Frame> frames = new ArrayList<>(events.size());
        for (Event event : events) {
            frames.add(Batch.replayFrame(subscriber.format(), event));
        }
        subscriber.outbox().replay(frames);
    }

    /** The delivery position of a durable id's event in these channels' history, or {@link EventIds#UNKNOWN}. */
    private long positionOfDurable(List<String> names, long durablePosition) {
        if (durablePosition == EventIds.UNKNOWN) {
            return EventIds.UNKNOWN;
        }
        for (String name : names) {
            long p = channels.get(name).history.positionOfDurable(durablePosition);
            if (p != EventIds.UNKNOWN) {
                return p;
            }
        }
        return EventIds.UNKNOWN;
    }

    /** The subscribers still on their way in without an id to resume from opened while nothing was heard. */
    void tellOutage(Instant since, Instant until) {
        moves.forEachWaitingJoin(move -> {
            if (move.lastEventId() == null) {
                for (String name : move.channels()) {
                    GapNotices.tell(move.subscriber(), new GapNotice(name, GapNotice.OUTAGE, null, since, until));
                }
            }
        });
    }
}
