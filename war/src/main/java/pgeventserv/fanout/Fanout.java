package pgeventserv.fanout;

import java.util.ArrayDeque;
import java.util.ArrayList;
import pgeventserv.postgres.Gap;

/**
 * Delivery, on the listener thread, without a lock. Each notification joins its channel's {@link Batch} whatever
 * the number of subscribers; at the end of the poll each subscriber gets the batch in one write, put once per
 * format for all of them. Subscribers still waiting for their writer are drained again after every poll.
 */
public final class Fanout {

    private final Registry registry;
    // Listener thread only.
    private final ArrayList<Registry.Channel> polled = new ArrayList<>();
    private final ArrayDeque<Subscriber> retry = new ArrayDeque<>();

    public Fanout(Registry registry) {
        this.registry = registry;
    }

    /** One notification, in the order PostgreSQL delivered it. */
    public void deliver(String channelName, String payload) {
        Registry.Channel channel = registry.channel(channelName);
        if (channel == null || channel.members.length == 0) {
            return;
        }
        if (channel.batch.isEmpty()) {
            polled.add(channel);
        }
        channel.batch.add(payload);
    }

    /** The poll ended: every batch to its channel's members, then another go for those that were waiting. */
    public void pollCompleted() {
        for (int i = 0; i < polled.size(); i++) {
            Registry.Channel channel = polled.get(i);
            for (Subscriber member : channel.members) {
                member.deliver(channel.batch);
            }
            channel.batch.clear();
        }
        polled.clear();
        registry.takeAwaiting(retry);
        for (Subscriber s; (s = retry.poll()) != null; ) {
            s.drain();
        }
    }

    /**
     * The LISTEN connection is back after an outage: subscribers whose format can say so are told, before anything
     * newer. Raw WebSocket clients cannot be told in band; they stay open and resume silently.
     */
    public void gap(Gap gap) {
        ArrayList<Format> formats = new ArrayList<>(2);
        ArrayList<Frame> frames = new ArrayList<>(2);
        for (Registry.Channel channel : registry.channels()) {
            for (Subscriber member : channel.members) {
                Format format = member.format();
                int i = formats.indexOf(format);
                if (i < 0) {
                    String message = format.gap(gap);
                    formats.add(format);
                    frames.add(message == null ? null : Frame.of(message));
                    i = formats.size() - 1;
                }
                if (frames.get(i) != null) {
                    member.offer(frames.get(i));
                }
            }
        }
    }
}
