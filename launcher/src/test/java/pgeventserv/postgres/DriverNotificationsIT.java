package pgeventserv.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import pgeventserv.TestDatabase;
import pgeventserv.config.ConnectionSettings;
import pgeventserv.config.DatabaseUrl;

/**
 * The listener finds pgjdbc's notification API through the driver's own class loader, as on WildFly where the
 * driver is a deployment or module the WAR does not depend on: here the driver is loaded by a class loader
 * the test's classes cannot see, and its connection is handed out behind a pool-like wrapper.
 */
class DriverNotificationsIT {

    private static final Path DRIVER_JAR = Path.of("target/runtime/postgresql.jar");

    @Test
    void notificationsArriveFromADriverInItsOwnClassLoader() throws Exception {
        try (URLClassLoader isolated = new URLClassLoader(new URL[] {DRIVER_JAR.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            Driver driver = (Driver) Class.forName("org.postgresql.Driver", true, isolated)
                    .getDeclaredConstructor().newInstance();
            assertNotSame(org.postgresql.Driver.class, driver.getClass(), "the driver must not be the test's copy");
            String channel = TestDatabase.uniqueChannel("it_driver");
            ConnectionSettings url = DatabaseUrl.parse(TestDatabase.URL, Map.of(), System.getProperty("user.name"));
            try (Connection real = driver.connect(url.jdbcUrl(), url.jdbcProperties());
                 TestDatabase db = new TestDatabase()) {
                Connection pooled = pooled(real);
                DriverNotifications notifications = DriverNotifications.of(pooled);
                try (Statement s = pooled.createStatement()) {
                    s.execute(ChannelIdentifier.listen(channel));
                }
                db.notify(channel, "hello");
                db.notify(channel, "");
                List<List<String>> received = new ArrayList<>();
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (received.size() < 2 && System.nanoTime() < deadline) {
                    notifications.poll(25, (name, payload, sender) -> received.add(List.of(name, payload)));
                }
                assertEquals(List.of(List.of(channel, "hello"), List.of(channel, "")), received);
            }
        }
    }

    @Test
    void aConnectionThatIsNotPgjdbcIsRefusedWithItsClassName() throws Exception {
        Connection[] other = new Connection[1];
        DatabaseMetaData meta = (DatabaseMetaData) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DatabaseMetaData.class}, (proxy, method, args) -> other[0]);
        other[0] = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "isWrapperFor" -> false;
                    case "getMetaData" -> meta;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        SQLException e = assertThrows(SQLException.class, () -> DriverNotifications.of(other[0]));
        assertEquals(true, e.getMessage().contains("not PostgreSQL JDBC"), e.getMessage());
    }

    /** A wrapper like a pool's: it is only a Connection, and unwrap reaches the driver's connection. */
    private static Connection pooled(Connection real) {
        return (Connection) Proxy.newProxyInstance(DriverNotificationsIT.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
