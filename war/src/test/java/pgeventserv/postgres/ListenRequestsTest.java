package pgeventserv.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The LISTEN loop's request handling, with the SQL replaced by a record of each round trip. */
class ListenRequestsTest {

    private final ListenRequests requests = new ListenRequests();
    private final List<List<String>> roundTrips = new ArrayList<>();

    private void execute(List<String> sql) {
        roundTrips.add(List.copyOf(sql));
    }

    private List<String> sql() {
        return roundTrips.stream().flatMap(List::stream).toList();
    }

    @Test
    void aListenCompletesOnceItRan() throws SQLException {
        CompletableFuture<Void> done = requests.listen("orders");
        assertFalse(done.isDone());
        requests.apply(this::execute);
        assertTrue(done.isDone());
        assertEquals(List.of("LISTEN \"orders\""), sql());
    }

    @Test
    void everyQueuedRequestGoesInOneRoundTrip() throws SQLException {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            done.add(requests.listen("c" + i));
        }
        requests.unlisten("c3");
        requests.apply(this::execute);
        assertEquals(1, roundTrips.size(), "one round trip");
        assertEquals(51, roundTrips.get(0).size());
        assertEquals("UNLISTEN \"c3\"", roundTrips.get(0).get(50));
        assertTrue(done.stream().allMatch(CompletableFuture::isDone));
    }

    @Test
    void nothingQueuedMakesNoRoundTrip() throws SQLException {
        requests.apply(this::execute);
        assertEquals(List.of(), roundTrips);
    }

    @Test
    void aChannelWantedTwiceIsListenedOnceAndUnlistenedOnce() throws SQLException {
        CompletableFuture<Void> first = requests.listen("orders");
        CompletableFuture<Void> second = requests.listen("orders");
        requests.unlisten("orders");
        requests.unlisten("orders");
        requests.apply(this::execute);
        assertTrue(first.isDone() && second.isDone());
        assertEquals(List.of("LISTEN \"orders\"", "UNLISTEN \"orders\""), sql());
    }

    @Test
    void listensAskedWhileDisconnectedCompleteWhenTheNextConnectionListenedThem() throws SQLException {
        CompletableFuture<Void> done = requests.listen("orders");
        requests.listen("gone");
        requests.unlisten("gone");
        requests.applyWhileDisconnected();
        assertFalse(done.isDone());
        assertTrue(requests.anyAwaitingConnection());
        requests.connected(this::execute);
        assertTrue(done.isDone());
        assertEquals(List.of("LISTEN \"orders\""), sql());
        assertFalse(requests.anyAwaitingConnection());
    }

    @Test
    void aListenThatFailsStaysWantedAndWaitsForTheNextConnection() throws SQLException {
        CompletableFuture<Void> done = requests.listen("orders");
        assertThrows(SQLException.class, () -> requests.apply(sql -> {
            throw new SQLException("connection lost");
        }));
        assertFalse(done.isDone());
        assertTrue(requests.wants("orders"));
        requests.connected(this::execute);
        assertTrue(done.isDone());
        assertEquals(List.of("LISTEN \"orders\""), sql());
    }

    @Test
    void aReconnectListensEveryWantedChannelAgainInOneRoundTrip() throws SQLException {
        requests.listen("a");
        requests.listen("b");
        requests.apply(this::execute);
        roundTrips.clear();
        requests.connected(this::execute);
        assertEquals(1, roundTrips.size());
        assertEquals(List.of("LISTEN \"a\"", "LISTEN \"b\""), sql().stream().sorted().toList());
        assertEquals(2, requests.wantedCount());
    }

    @Test
    void aChannelNameIsQuotedSoItCanInjectNothing() throws SQLException {
        requests.listen("x\"; DROP TABLE t; --");
        requests.apply(this::execute);
        assertEquals(List.of("LISTEN \"x\"\"; DROP TABLE t; --\""), sql());
    }
}
