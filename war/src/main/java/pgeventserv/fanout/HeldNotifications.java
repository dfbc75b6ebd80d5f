package pgeventserv.fanout;

import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The plain notifications that wait behind durable reads of their channel, so each channel keeps commit order: a
 * channel waits only while a read it really needs is out, and {@link #MAX_PER_CHANNEL} notifications at most.
 *
 * <p>Per channel, in arrival order: the reads it waits for and the payloads that came after them. When a read is
 * released (or found not to concern the channel), it is taken out, and the payloads ahead of the next read go on.
 *
 * <p>Listener thread only.
 */
final class HeldNotifications {

    /** More than this waiting on one channel: the reads it waits for are given up (a gap) rather than hold more. */
    static final int MAX_PER_CHANNEL = 10_000;

    private final Map<Channel, ArrayDeque<Object>> held = new IdentityHashMap<>();

    /** Whether the channel waits: its notifications go behind what it waits for. */
    boolean holding(Channel channel) {
        return !held.isEmpty() && held.containsKey(channel);
    }

    /** The channel waits for the read, after whatever it waited for already. */
    void hold(Channel channel, PendingRead read) {
        held.computeIfAbsent(channel, c -> new ArrayDeque<>()).add(read);
    }

    /** A notification of a waiting channel; false when the channel already holds its maximum. */
    boolean add(Channel channel, String payload) {
        ArrayDeque<Object> queue = held.get(channel);
        if (queue.size() >= MAX_PER_CHANNEL) {
            return false;
        }
        queue.add(payload);
        return true;
    }

    /**
     * The channel no longer waits for the read: it is taken out, and the payloads that no other read holds back go
     * to {@code deliver}, in order.
     */
    void release(Channel channel, PendingRead read, BiConsumer<Channel, String> deliver) {
        ArrayDeque<Object> queue = held.get(channel);
        if (queue == null || !queue.remove(read)) {
            return;
        }
        for (Object next; (next = queue.peek()) instanceof String payload; ) {
            queue.poll();
            deliver.accept(channel, payload);
        }
        if (queue.isEmpty()) {
            held.remove(channel);
        }
    }
}
