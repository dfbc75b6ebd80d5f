package pgeventserv.postgres;

import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Switches off pgjdbc's 1 ms wait after every notification, which delays each poll that received one by about a
 * millisecond (measured: 1.1-1.3 ms of a 1.8-1.9 ms NOTIFY-to-listener median on loopback).
 *
 * <p>Why: after reading a notification, {@code getNotifications} asks {@code PGStream.hasMessagePending()} whether
 * more follow. When nothing is buffered, that method reads with a 1 ms socket timeout; it is meant to do so at most
 * once a second, but the throttle ({@code nextStreamAvailableCheckTime}) is only set when the read finds the stream
 * closed, never when it times out (pgjdbc issues 1313 and 1547). Setting the throttle to "never" leaves the method
 * answering from what is already buffered or in the socket, without a wait. Nothing is lost: bytes still on the way
 * are read by the listener's next poll, which blocks until they come. Only {@code getNotifications} and COPY use
 * that method, and the LISTEN connection never copies.
 *
 * <p>Reached by reflection through the class loader of the driver, whichever server loaded it. A driver without
 * these fields keeps its wait; the log says so once.
 */
final class NotificationPeek {

    private static final Logger LOG = Logger.getLogger(NotificationPeek.class.getName());
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private NotificationPeek() {
    }

    /**
     * Whether pgjdbc's wait was switched off on this connection; {@code driver} is the class loader of the pgjdbc that
     * made it. Through pgjdbc's {@code BaseConnection} interface, which a pool's wrapper (Payara's) forwards too.
     */
    static boolean switchOff(Connection connection, ClassLoader driver) {
        try {
            Class<?> base = Class.forName("org.postgresql.core.BaseConnection", false, driver);
            Object executor = base.getMethod("getQueryExecutor").invoke(connection.unwrap(base));
            Object stream = accessible(field(executor.getClass(), "pgStream")).get(executor);
            accessible(field(stream.getClass(), "nextStreamAvailableCheckTime")).setLong(stream, Long.MAX_VALUE);
            return true;
        } catch (ReflectiveOperationException | SQLException | RuntimeException | LinkageError e) {
            if (WARNED.compareAndSet(false, true)) {
                LOG.warning("pgjdbc's 1 ms wait after each notification could not be switched off in this driver ("
                        + e + "): notifications reach clients about 1 ms later");
            }
            return false;
        }
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                return c.getDeclaredField(name);
            } catch (NoSuchFieldException e) {
                // declared higher up
            }
        }
        throw new NoSuchFieldException(type.getName() + "." + name);
    }

    private static Field accessible(Field field) {
        field.setAccessible(true);
        return field;
    }
}
