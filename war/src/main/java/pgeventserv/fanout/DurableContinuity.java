package pgeventserv.fanout;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Where each channel's durable continuity begins. Durable events committed before a channel's LISTEN never reach
 * this server, so its history can vouch only for those after the newest committed once the LISTEN is in effect; a
 * resume from before that reads the table. One read of the newest position serves every channel LISTENed by then (a
 * later newest is a safe bound too); none is made while the table is known to be absent.
 *
 * <p>Listener thread; the read runs on the executor and hands its answer over through a queue.
 */
final class DurableContinuity {

    private record Known(List<Channel> channels, long position) {
    }

    private final DurableReader reader;
    private final Executor reads;
    private final ArrayList<Channel> wanted = new ArrayList<>();
    private final Queue<Known> known = new ConcurrentLinkedQueue<>();

    /** {@code reader} null: durable events are off, and no channel's continuity is ever known. */
    DurableContinuity(DurableReader reader, Executor reads) {
        this.reader = reader;
        this.reads = reads;
    }

    /** The channel's LISTEN is in effect now. */
    void listened(Channel channel) {
        if (reader != null) {
            wanted.add(channel);
        }
    }

    /** Once per poll: asks where the continuity of the channels LISTENed since the last poll begins. */
    void readWanted() {
        if (wanted.isEmpty()) {
            return;
        }
        List<Channel> channels = new ArrayList<>(wanted);
        wanted.clear();
        if (reader.absent()) {
            return;
        }
        try {
            reads.execute(() -> {
                try {
                    known.add(new Known(channels, reader.newestPosition().orElse(0)));
                } catch (Exception | LinkageError e) {
                    // The reader logged it; the channels stay unknown, and resumes with durable ids read the table.
                }
            });
        } catch (RejectedExecutionException e) {
            // As above.
        }
    }

    /** The answers that came back since the last poll. */
    void collect() {
        for (Known k; (k = known.poll()) != null; ) {
            for (Channel channel : k.channels()) {
                channel.durableSince(k.position());
            }
        }
    }

    /** Whether one of the channels was LISTENed here after durable events above {@code durable} were committed. */
    static boolean listenedSince(List<Channel> channels, long durable) {
        for (Channel channel : channels) {
            if (channel.durableSince() > durable) {
                return true;
            }
        }
        return false;
    }
}
