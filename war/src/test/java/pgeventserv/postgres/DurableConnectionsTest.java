package pgeventserv.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The durable reads' share of the pool, with a DataSource in memory that records what is done to its connections. */
class DurableConnectionsTest {

    /** One connection handed out: what was done to it. */
    static final class Handed {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        final Connection connection = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    calls.add(method.getName() + (method.getName().equals("setNetworkTimeout") ? " " + args[1] : ""));
                    return null;
                });
    }

    /** A pool in memory: every getConnection a new connection, counted. */
    static final class Pool implements DataSource {
        final List<Handed> handed = Collections.synchronizedList(new ArrayList<>());

        @Override
        public Connection getConnection() {
            Handed h = new Handed();
            handed.add(h);
            return h.connection;
        }

        @Override
        public Connection getConnection(String user, String password) {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) {
            return null;
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }

    private final Pool pool = new Pool();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void durableWorkHoldsOneConnectionFewerThanThePoolSoTheListenConnectionAlwaysHasOne() throws Exception {
        DurableConnections connections = new DurableConnections(pool, 3);
        CountDownLatch hung = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        List<Future<Boolean>> holding = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            holding.add(threads.submit(() -> connections.run(c -> {
                hung.countDown();
                try {
                    return release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new SQLException(e);
                }
            })));
        }
        assertTrue(hung.await(10, TimeUnit.SECONDS));
        Future<String> third = threads.submit(() -> connections.run(c -> "third"));
        Thread.sleep(200);
        assertFalse(third.isDone(), "a third durable read waits for a slot");
        assertEquals(2, pool.handed.size(), "the pool's last connection stays free for the LISTEN connection");
        release.countDown();
        assertEquals("third", third.get(10, TimeUnit.SECONDS));
        for (Future<Boolean> f : holding) {
            f.get(10, TimeUnit.SECONDS);
        }
        assertEquals(2, connections.freeSlots());
    }

    @Test
    void resumesLeaveLiveReadsAConnection() throws Exception {
        DurableConnections connections = new DurableConnections(pool, 4);
        CountDownLatch entered = new CountDownLatch(3);
        CountDownLatch release = new CountDownLatch(1);
        List<Future<Boolean>> resumes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            resumes.add(threads.submit(() -> connections.run(DurableConnections.Lane.RESUME, c -> {
                entered.countDown();
                try {
                    return release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new SQLException(e);
                }
            })));
        }
        assertFalse(entered.await(500, TimeUnit.MILLISECONDS), "two of the three durable slots at most for resumes");
        assertEquals(1, entered.getCount());
        assertEquals("live", connections.run(DurableConnections.Lane.LIVE, c -> "live"),
                "a live read gets the connection resumes may not take");
        release.countDown();
        for (Future<Boolean> f : resumes) {
            f.get(10, TimeUnit.SECONDS);
        }
        assertEquals(3, connections.freeSlots());
    }

    @Test
    void aPoolOfOneStillLetsDurableWorkRun() {
        assertEquals(1, DurableConnections.slotsFor(1));
        assertEquals(3, DurableConnections.slotsFor(4));
        assertEquals(1, DurableConnections.resumeSlotsFor(2), "one connection to share: the lanes take turns");
        assertEquals(2, DurableConnections.resumeSlotsFor(4));
    }

    @Test
    void everyWaitOnTheServerIsBoundedAndAHealthyConnectionGoesBackToThePool() throws Exception {
        String result = new DurableConnections(pool, 4, 1234).run(c -> "read");
        assertEquals("read", result);
        assertEquals(List.of("setNetworkTimeout 1234", "close"), pool.handed.get(0).calls);
    }

    @Test
    void aConnectionLostUnderAReadIsAbortedNotReturnedAndTheReadRunsOnceMoreOnAnother() throws Exception {
        DurableConnections connections = new DurableConnections(pool, 4, 1234);
        int[] attempts = {0};
        String result = connections.run(c -> {
            if (attempts[0]++ == 0) {
                throw new SQLException("An I/O error occurred while sending to the backend.", "08006",
                        new SocketTimeoutException("Read timed out"));
            }
            return "read on another";
        });
        assertEquals("read on another", result);
        assertEquals(2, pool.handed.size());
        assertEquals(List.of("setNetworkTimeout 1234", "abort"), pool.handed.get(0).calls,
                "a closed dead connection would go back to the pool and fail every read after");
        assertEquals(List.of("setNetworkTimeout 1234", "close"), pool.handed.get(1).calls);
    }

    @Test
    void aQueryTheServerRefusedIsNotRetriedAndItsConnectionIsFine() {
        DurableConnections connections = new DurableConnections(pool, 4, 1234);
        SQLException e = assertThrows(SQLException.class, () -> connections.run(c -> {
            throw new SQLException("relation \"eventserv.events\" does not exist", "42P01");
        }));
        assertEquals("42P01", e.getSQLState());
        assertEquals(1, pool.handed.size());
        assertEquals(List.of("setNetworkTimeout 1234", "close"), pool.handed.get(0).calls);
    }

    @Test
    void aConnectionLostTwiceIsAFailureNotALoop() {
        DurableConnections connections = new DurableConnections(pool, 4, 1234);
        assertThrows(SQLException.class, () -> connections.run(c -> {
            throw new SQLException("This connection has been closed.", "08003");
        }));
        assertEquals(2, pool.handed.size());
        assertEquals(4, connections.freeSlots() + 1, "every slot given back");
    }
}
