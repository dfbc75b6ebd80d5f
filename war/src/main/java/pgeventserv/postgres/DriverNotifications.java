package pgeventserv.postgres;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * pgjdbc's {@code PGConnection.getNotifications(int)}, reached through the class loader of the driver that
 * made the connection rather than through the WAR's own.
 *
 * <p>Why: the WAR links no pgjdbc class, so it needs no deployment descriptor naming the driver. On WildFly
 * the driver may be a deployment under any file name or the module {@code org.postgresql}; a dependency on
 * one name is refused when the administrator chose the other. The driver's own classes are found from
 * objects the connection hands out ({@link java.sql.DatabaseMetaData} is not wrapped by WildFly's pool), or,
 * where the server shares the driver with the application (Payara, Liberty), from the WAR's loader.
 *
 * <p>The method handles are looked up once per connection; a poll (every 25 ms) costs one handle call. pgjdbc's
 * wait of 1 ms after each notification is switched off on the way ({@link NotificationPeek}).
 */
final class DriverNotifications {

    private static final String API = "org.postgresql.PGConnection";
    private static final String NOTIFICATION = "org.postgresql.PGNotification";
    private static final MethodType POLL = MethodType.methodType(Object[].class, Object.class, int.class);
    private static final MethodType GETTER = MethodType.methodType(String.class, Object.class);
    private static final MethodType PID = MethodType.methodType(int.class, Object.class);

    private final Object pgConnection;
    private final MethodHandle getNotifications;
    private final MethodHandle getName;
    private final MethodHandle getParameter;
    private final MethodHandle getPid;

    private DriverNotifications(Object pgConnection, Class<?> api) throws ReflectiveOperationException {
        this.pgConnection = pgConnection;
        Class<?> notification = Class.forName(NOTIFICATION, false, api.getClassLoader());
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        getNotifications = lookup.findVirtual(api, "getNotifications",
                MethodType.methodType(notification.arrayType(), int.class)).asType(POLL);
        getName = lookup.findVirtual(notification, "getName", MethodType.methodType(String.class)).asType(GETTER);
        getParameter = lookup.findVirtual(notification, "getParameter", MethodType.methodType(String.class))
                .asType(GETTER);
        getPid = lookup.findVirtual(notification, "getPID", MethodType.methodType(int.class)).asType(PID);
    }

    /** The pgjdbc connection behind a pooled one, whichever class loader loaded the driver. */
    static DriverNotifications of(Connection connection) throws SQLException {
        for (ClassLoader loader : candidateLoaders(connection)) {
            Class<?> api;
            try {
                api = Class.forName(API, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                continue;
            }
            if (connection.isWrapperFor(api)) {
                try {
                    NotificationPeek.switchOff(connection, api.getClassLoader());
                    return new DriverNotifications(connection.unwrap(api), api);
                } catch (ReflectiveOperationException e) {
                    throw new SQLException("pgjdbc's notification API is not as expected", e);
                }
            }
        }
        throw new SQLException("the DataSource's connections are not PostgreSQL JDBC (pgjdbc) connections: found no "
                + API + " behind " + connection.getClass().getName());
    }

    /**
     * The driver's loader first, so that a second copy of pgjdbc visible to the WAR cannot shadow it: the
     * metadata's connection is pgjdbc's own where the pool does not wrap metadata (WildFly, Liberty).
     */
    private static Set<ClassLoader> candidateLoaders(Connection connection) throws SQLException {
        Set<ClassLoader> loaders = new LinkedHashSet<>();
        var meta = connection.getMetaData();
        add(loaders, meta.getConnection().getClass().getClassLoader());
        add(loaders, meta.getClass().getClassLoader());
        add(loaders, DriverNotifications.class.getClassLoader());
        add(loaders, Thread.currentThread().getContextClassLoader());
        return loaders;
    }

    private static void add(Set<ClassLoader> loaders, ClassLoader loader) {
        if (loader != null) {
            loaders.add(loader);
        }
    }

    /**
     * What a poll hands on: one notification's channel, payload and the process id of the database session that
     * sent it, in the order received.
     */
    @FunctionalInterface
    interface Receiver {
        void received(String channel, String payload, int sender);
    }

    /**
     * The notifications received so far, each handed to {@code receiver} in order, waiting at most {@code millis}
     * for the first (0: do not wait); how many there were.
     */
    int poll(int millis, Receiver receiver) throws SQLException {
        try {
            Object[] batch = (Object[]) getNotifications.invokeExact(pgConnection, millis);
            if (batch == null) {
                return 0;
            }
            for (Object n : batch) {
                receiver.received((String) getName.invokeExact(n), (String) getParameter.invokeExact(n),
                        (int) getPid.invokeExact(n));
            }
            return batch.length;
        } catch (SQLException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new SQLException("polling for notifications failed", e);
        }
    }
}
