package pgeventserv.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.ds.PGSimpleDataSource;

class NotificationPeekTest {

    private static final String CHANNEL = "unit_peek_" + ProcessHandle.current().pid();

    private static PGSimpleDataSource database() {
        PGSimpleDataSource database = new PGSimpleDataSource();
        database.setUrl("jdbc:postgresql://127.0.0.1:5432/test");
        database.setUser("postgres");
        return database;
    }

    @Test
    void theWaitIsSwitchedOffInTheDriverTheProjectShips() throws SQLException {
        try (Connection c = database().getConnection()) {
            assertTrue(NotificationPeek.switchOff(c, PGConnection.class.getClassLoader()));
        }
    }

    @Test
    void aDriverWithoutTheWaitIsLeftAsItIs() throws SQLException {
        try (Connection c = database().getConnection()) {
            assertEquals(false, NotificationPeek.switchOff(c, new ClassLoader(null) { }));
        }
    }

    @Test
    void withTheWaitOffNotificationsStillArriveInOrderThoseSentLaterInALaterPoll() throws SQLException {
        PGSimpleDataSource database = database();
        try (Connection listener = database.getConnection(); Connection sender = database.getConnection();
                Statement listen = listener.createStatement(); Statement send = sender.createStatement()) {
            PGConnection pg = listener.unwrap(PGConnection.class);
            assertTrue(NotificationPeek.switchOff(listener, PGConnection.class.getClassLoader()));
            listen.execute("LISTEN " + CHANNEL);
            send.execute("BEGIN; NOTIFY " + CHANNEL + ", 'a'; NOTIFY " + CHANNEL + ", 'b'; NOTIFY " + CHANNEL
                    + ", 'c'; COMMIT");
            assertEquals(List.of("a", "b", "c"), receive(pg, 3));
            send.execute("NOTIFY " + CHANNEL + ", 'd'");
            assertEquals(List.of("d"), receive(pg, 1));
            listen.execute("UNLISTEN " + CHANNEL);
        }
    }

    /** Polls (each waiting at most 5 s, 20 polls at most) until {@code count} payloads arrived. */
    private static List<String> receive(PGConnection pg, int count) throws SQLException {
        List<String> payloads = new ArrayList<>();
        for (int poll = 0; poll < 20 && payloads.size() < count; poll++) {
            PGNotification[] batch = pg.getNotifications(5_000);
            if (batch != null) {
                for (PGNotification n : batch) {
                    payloads.add(n.getParameter());
                }
            }
        }
        return payloads;
    }
}
