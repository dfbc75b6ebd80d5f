package pgeventserv.postgres;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The channels wanted on the LISTEN connection, and the requests that change them. Any thread asks
 * ({@link #listen}, {@link #unlisten}); only the listener thread applies them, between polls, because no other
 * thread may use the connection: every request queued by then goes to PostgreSQL in one round trip. A LISTEN's
 * future completes once it is in effect on a live connection: as soon as its round trip is back when connected,
 * else when the next connection has LISTENed every wanted channel.
 */
final class ListenRequests {

    private static final Logger LOG = Logger.getLogger(ListenRequests.class.getName());

    /** Runs statements on the current connection, all in one round trip. */
    @FunctionalInterface
    interface Statements {
        void execute(List<String> sql) throws SQLException;
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
     * Connected: every request queued, in order, in one round trip. When it fails (a broken connection) the
     * LISTENs stay wanted and their futures wait for the next connection; the failure is thrown on for the listener
     * to reconnect.
     */
    void apply(Statements connection) throws SQLException {
        if (requests.isEmpty()) {
            return;
        }
        List<Request> taken = new ArrayList<>();
        List<String> sql = new ArrayList<>();
        List<String> logged = new ArrayList<>();
        for (Request r; (r = requests.poll()) != null; ) {
            taken.add(r);
            if (r.listen && wanted.add(r.channel)) {
                sql.add(ChannelIdentifier.listen(r.channel));
                logged.add("LISTEN " + r.channel);
            } else if (!r.listen && wanted.remove(r.channel)) {
                sql.add(ChannelIdentifier.unlisten(r.channel));
                logged.add("UNLISTEN " + r.channel);
            }
        }
        try {
            if (!sql.isEmpty()) {
                connection.execute(sql);
                logDone(logged);
            }
        } catch (SQLException | RuntimeException e) {
            for (Request r : taken) {
                if (r.done != null) {
                    awaitingConnection.add(r.done);
                }
            }
            throw e;
        }
        for (Request r : taken) {
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
    void connected(Statements connection) throws SQLException {
        List<String> sql = new ArrayList<>(wanted.size());
        for (String channel : wanted) {
            sql.add(ChannelIdentifier.listen(channel));
        }
        if (!sql.isEmpty()) {
            connection.execute(sql);
            if (LOG.isLoggable(Level.FINE)) {
                wanted.forEach(channel -> LOG.fine("LISTEN " + channel));
            }
        }
        awaitingConnection.forEach(f -> f.complete(null));
        awaitingConnection.clear();
    }

    /** --debug shows every LISTEN and UNLISTEN by the channel's name, as the original does, once it is in effect. */
    private static void logDone(List<String> lines) {
        if (LOG.isLoggable(Level.FINE)) {
            lines.forEach(LOG::fine);
        }
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
