package pgeventserv.postgres;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The channels wanted on the LISTEN connection, and the requests that change them. Any thread asks
 * ({@link #listen}, {@link #unlisten}); only the listener thread applies them, between polls, because no other
 * thread may use the connection. A LISTEN's future completes once it is in effect on a live connection: at once
 * when connected, else when the next connection has LISTENed every wanted channel.
 */
final class ListenRequests {

    /** The SQL side of a request: LISTEN or UNLISTEN one channel on the current connection. */
    @FunctionalInterface
    interface Statement {
        void execute(String channel) throws SQLException;
    }

    private record Request(boolean listen, String channel, CompletableFuture<Void> done) {
    }

    private final Queue<Request> requests = new ConcurrentLinkedQueue<>();
    // Listener thread only.
    private final Set<String> wanted = new HashSet<>();
    private final List<CompletableFuture<Void>> awaitingConnection = new ArrayList<>();

    CompletableFuture<Void> listen(String channel) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        requests.add(new Request(true, channel, done));
        return done;
    }

    void unlisten(String channel) {
        requests.add(new Request(false, channel, null));
    }

    /**
     * Connected: each request in order. A LISTEN that fails stays wanted, and its future waits for the next
     * connection; the failure (a broken connection) is thrown on for the listener to reconnect.
     */
    void apply(Statement listen, Statement unlisten) throws SQLException {
        for (Request r; (r = requests.poll()) != null; ) {
            if (r.listen && wanted.add(r.channel)) {
                try {
                    listen.execute(r.channel);
                } catch (SQLException | RuntimeException e) {
                    awaitingConnection.add(r.done);
                    throw e;
                }
            } else if (!r.listen && wanted.remove(r.channel)) {
                unlisten.execute(r.channel);
            }
            if (r.done != null) {
                r.done.complete(null);
            }
        }
    }

    /** Without a connection the wanted set still changes; LISTENs complete on the next connect. */
    void applyWhileDisconnected() {
        for (Request r; (r = requests.poll()) != null; ) {
            if (r.listen) {
                wanted.add(r.channel);
                awaitingConnection.add(r.done);
            } else {
                wanted.remove(r.channel);
            }
        }
    }

    /** A fresh connection: every wanted channel LISTENed again; then the LISTENs that waited for it are done. */
    void connected(Statement listen) throws SQLException {
        for (String channel : wanted) {
            listen.execute(channel);
        }
        awaitingConnection.forEach(f -> f.complete(null));
        awaitingConnection.clear();
    }

    /** Whether subscribers asked for channels before the connection could LISTEN them (they may have missed some). */
    boolean anyAwaitingConnection() {
        return !awaitingConnection.isEmpty();
    }

    int wantedCount() {
        return wanted.size();
    }

    boolean wants(String channel) {
        return wanted.contains(channel);
    }
}
