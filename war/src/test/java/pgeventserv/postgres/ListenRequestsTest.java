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

/** The LISTEN loop's request handling, with the SQL replaced by a record of what would run. */
class ListenRequestsTest {

    private final ListenRequests requests = new ListenRequests();
    private final List<String> sql = new ArrayList<>();

    private void listen(String channel) {
        sql.add("LISTEN " + channel);
    }

    private void unlisten(String channel) {
        sql.add("UNLISTEN " + channel);
    }

    @Test
    void aListenCompletesOnceItRan() throws SQLException {
        CompletableFuture<Void> done = requests.listen("orders");
        assertFalse(done.isDone());
        requests.apply(this::listen, this::unlisten);
        assertTrue(done.isDone());
        assertEquals(List.of("LISTEN orders"), sql);
    }

    @Test
    void aChannelWantedTwiceIsListenedOnceAndUnlistenedOnce() throws SQLException {
        CompletableFuture<Void> first = requests.listen("orders");
        CompletableFuture<Void> second = requests.listen("orders");
        requests.unlisten("orders");
        requests.unlisten("orders");
        requests.apply(this::listen, this::unlisten);
        assertTrue(first.isDone() && second.isDone());
        assertEquals(List.of("LISTEN orders", "UNLISTEN orders"), sql);
    }

    @Test
    void listensAskedWhileDisconnectedCompleteWhenTheNextConnectionListenedThem() throws SQLException {
        CompletableFuture<Void> done = requests.listen("orders");
        requests.listen("gone");
        requests.unlisten("gone");
        requests.applyWhileDisconnected();
        assertFalse(done.isDone());
        assertTrue(requests.anyAwaitingConnection());
        requests.connected(this::listen);
        assertTrue(done.isDone());
        assertEquals(List.of("LISTEN orders"), sql);
        assertFalse(requests.anyAwaitingConnection());
    }

    @Test
    void aListenThatFailsStaysWantedAndWaitsForTheNextConnection() throws SQLException {
        CompletableFuture<Void> done = requests.listen("orders");
        assertThrows(SQLException.class, () -> requests.apply(c -> {
            throw new SQLException("connection lost");
        }, this::unlisten));
        assertFalse(done.isDone());
        assertTrue(requests.wants("orders"));
        requests.connected(this::listen);
        assertTrue(done.isDone());
        assertEquals(List.of("LISTEN orders"), sql);
    }

    @Test
    void aReconnectListensEveryWantedChannelAgain() throws SQLException {
        requests.listen("a");
        requests.listen("b");
        requests.apply(this::listen, this::unlisten);
        sql.clear();
        requests.connected(this::listen);
        assertEquals(List.of("LISTEN a", "LISTEN b"), sql.stream().sorted().toList());
        assertEquals(2, requests.wantedCount());
    }
}
