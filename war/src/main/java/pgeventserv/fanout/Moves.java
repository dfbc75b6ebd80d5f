package pgeventserv.fanout;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The moves subscribers ask for, from the server's threads to the listener thread, each subscriber's in the order
 * it asked: a join waits until its channels are LISTENed, and a subscriber's later moves (a reply too) wait behind
 * it, so a multiplexed session's answers come in command order.
 *
 * <p>Threads: any thread adds; only the listener thread takes.
 */
final class Moves {

    private final Queue<Move> asked = new ConcurrentLinkedQueue<>();
    // Listener thread only: moves taken from the queue that wait, in the order they were asked.
    private final ArrayDeque<Move> waiting = new ArrayDeque<>();
    private final Set<Subscriber> held = Collections.newSetFromMap(new IdentityHashMap<>());

    void add(Move move) {
        asked.add(move);
    }

    /**
     * Listener thread: the moves that can be carried out now, in the order asked. A move waits while its
     * subscriber is busy (a resume reads the table for it) or an earlier move of its subscriber waits; a join also
     * waits for its channels to be LISTENed. A subscriber that is gone has every move let through at once.
     */
    void take(ArrayDeque<Move> ready, Predicate<Move> channelsReady, Predicate<Subscriber> busy) {
        for (Move m; (m = asked.poll()) != null; ) {
            waiting.add(m);
        }
        if (waiting.isEmpty()) {
            return;
        }
        for (Iterator<Move> it = waiting.iterator(); it.hasNext(); ) {
            Move move = it.next();
            Subscriber s = move.subscriber();
            boolean go = s.state() == Subscriber.State.CLOSED
                    || !held.contains(s) && !busy.test(s) && (move.kind() != Move.Kind.JOIN || channelsReady.test(move));
            if (go) {
                it.remove();
                ready.add(move);
            } else {
                held.add(s);
            }
        }
        held.clear();
    }

    /** Listener thread: every join still waiting, with those just asked. */
    void forEachWaitingJoin(Consumer<Move> action) {
        for (Move m; (m = asked.poll()) != null; ) {
            waiting.add(m);
        }
        for (Move m : waiting) {
            if (m.kind() == Move.Kind.JOIN) {
                action.accept(m);
            }
        }
    }
}
