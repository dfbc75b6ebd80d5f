package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Moves from the server's threads to the listener thread: in the order asked, each subscriber's behind its own. */
class MovesTest {

    private final Subscriptions subscriptions = new Subscriptions(new Limits(10, 1 << 20),
            new HistoryLimits(10, 1 << 20, Duration.ofMinutes(1)), 10, 10, c -> CompletableFuture.completedFuture(null),
            c -> { }, 0);
    private final Moves moves = new Moves();
    private final Subscriber a = subscriptions.subscribe(List.of(), TestFormat.RAW, true, null);
    private final Subscriber b = subscriptions.subscribe(List.of(), TestFormat.RAW, true, null);

    private List<Move> take(Set<String> listened, Set<Subscriber> busy) {
        ArrayDeque<Move> ready = new ArrayDeque<>();
        moves.take(ready, m -> listened.containsAll(m.channels()), busy::contains);
        return List.copyOf(ready);
    }

    @Test
    void movesThatCanGoGoInTheOrderAsked() {
        Move m1 = Move.reply(a, Frame.of("1"), null);
        Move m2 = Move.join(b, List.of("x"), null, null, Map.of());
        Move m3 = Move.leave(a, "x", null);
        moves.add(m1);
        moves.add(m2);
        moves.add(m3);
        assertEquals(List.of(m1, m2, m3), take(Set.of("x"), Set.of()));
        assertEquals(List.of(), take(Set.of("x"), Set.of()), "taken once");
    }

    @Test
    void aJoinWaitsForItsChannelsAndItsSubscribersLaterMovesWaitBehindIt() {
        Move join = Move.join(a, List.of("x"), null, null, Map.of());
        Move reply = Move.reply(a, Frame.of("after the join"), null);
        Move other = Move.reply(b, Frame.of("someone else"), null);
        moves.add(join);
        moves.add(reply);
        moves.add(other);
        assertEquals(List.of(other), take(Set.of(), Set.of()));
        assertEquals(List.of(), take(Set.of(), Set.of()), "still waiting");
        assertEquals(List.of(join, reply), take(Set.of("x"), Set.of()));
    }

    @Test
    void aBusySubscribersMovesWaitUntilItIsNot() {
        Move reply = Move.reply(a, Frame.of("r"), null);
        Move leave = Move.leave(a, "x", null);
        moves.add(reply);
        moves.add(leave);
        assertEquals(List.of(), take(Set.of("x"), Set.of(a)));
        assertEquals(List.of(reply, leave), take(Set.of("x"), Set.of()));
    }

    @Test
    void whatWaitedGoesBeforeWhatWasAskedSince() {
        Move join = Move.join(a, List.of("x"), null, null, Map.of());
        moves.add(join);
        take(Set.of(), Set.of());
        Move later = Move.reply(a, Frame.of("later"), null);
        moves.add(later);
        assertEquals(List.of(join, later), take(Set.of("x"), Set.of()));
    }

    @Test
    void aClosedSubscribersMovesGoAtOnceWhateverTheyWaitFor() {
        Move join = Move.join(a, List.of("x"), null, null, Map.of());
        moves.add(join);
        a.end();
        assertEquals(List.of(join), take(Set.of(), Set.of(a)));
    }

    @Test
    void aClosingSubscribersJoinStillWaitsForItsChannels() {
        Move join = Move.join(a, List.of("x"), null, null, Map.of());
        moves.add(join);
        a.close(new Farewell(Farewell.POLICY_VIOLATION, "bye"));
        assertEquals(List.of(), take(Set.of(), Set.of()));
    }

    @Test
    void theWaitingJoinsAreEveryJoinNotYetCarriedOutWithThoseJustAsked() {
        Move waiting = Move.join(a, List.of("x"), null, null, Map.of());
        moves.add(waiting);
        moves.add(Move.reply(b, Frame.of("r"), null));
        take(Set.of(), Set.of());
        Move asked = Move.join(b, List.of("y"), "id", null, Map.of());
        moves.add(asked);
        moves.add(Move.leave(b, "y", null));
        List<Move> joins = new ArrayList<>();
        moves.forEachWaitingJoin(joins::add);
        assertEquals(List.of(waiting, asked), joins);
        assertEquals(List.of(waiting, asked), take(Set.of("x", "y"), Set.of()).subList(0, 2));
    }
}
