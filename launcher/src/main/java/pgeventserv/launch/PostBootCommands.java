package pgeventserv.launch;

import pgeventserv.config.ConnectionSettings;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The asadmin commands that give Payara Micro what a full server's admin would configure: the connection
 * pool and the {@code jdbc/eventserv} resource the WAR's resource reference binds to. Keeping them out of
 * the WAR is what lets the same WAR run on every server.
 */
final class PostBootCommands {

    static final String POOL = "eventserv-pool";
    static final String RESOURCE = "jdbc/eventserv";
    /**
     * Payara's pool logs three warnings (RAR5038, RAR5117, RAR5114) for every connection it fails to make: every
     * reconnect attempt while the database is down. The listener already says once that the database is away,
     * with the cause, and once that it is back; {@code --debug} shows each attempt, and these warnings with it.
     */
    static final String QUIET_POOL = "set-log-levels"
            + " javax.enterprise.resource.resourceadapter.com.sun.enterprise.resource.allocator=SEVERE"
            + ":javax.enterprise.resource.resourceadapter.com.sun.enterprise.connectors=SEVERE"
            + ":javax.enterprise.resource.resourceadapter.com.sun.gjc.spi=SEVERE";

    /** The longest any read on a pooled connection waits for the database, unless its holder sets its own. */
    static final int SOCKET_TIMEOUT_SECONDS = 10;

    private PostBootCommands() {
    }

    /**
     * {@code DbPoolMaxConns} is the pool's maximum size. Payara's pool has no maximum connection age, so
     * {@code DbPoolMaxConnLifeTime} becomes its idle timeout: a pooled connection unused that long is closed.
     * Neither touches the LISTEN connection, which is checked out for the server's life and never idle.
     * {@code leavePoolLoggers}: with {@code --debug}, or when the server's logging.properties quiets them already
     * ({@link ServerLogging}, which spares the asadmin echo and a reload of the logging configuration).
     */
    static String render(ConnectionSettings db, int maxPoolSize, long idleTimeoutSeconds, boolean leavePoolLoggers) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("serverName", db.host());
        properties.put("portNumber", Integer.toString(db.port()));
        properties.put("databaseName", db.database());
        properties.put("user", db.user());
        // Payara's pool refuses to start without a password property, even where the server trusts the client.
        properties.put("password", db.password());
        properties.putAll(db.options());
        // Payara's pool queries a connection as it hands it out (ConnectionHolder40 asks the driver for its client-info
        // properties, a round trip) before the caller can bound its wait: on a pooled connection whose network went
        // silent that read would wait for TCP to give up, many minutes, and the listener's reconnect with it. The
        // listener (10 s) and durable reads (30 s) set their own timeouts once they hold the connection.
        properties.put("socketTimeout", Integer.toString(SOCKET_TIMEOUT_SECONDS));
        String propertyList = properties.entrySet().stream()
                .map(e -> e.getKey() + "=" + escape(e.getValue()))
                .collect(Collectors.joining(":"));
        return "create-jdbc-connection-pool --datasourceclassname org.postgresql.ds.PGSimpleDataSource"
                + " --restype javax.sql.DataSource --steadypoolsize 1 --maxpoolsize " + maxPoolSize
                + " --idletimeout " + idleTimeoutSeconds
                + " --property " + propertyList + " " + POOL + "\n"
                + "create-jdbc-resource --connectionpoolid " + POOL + " " + RESOURCE + "\n"
                + (leavePoolLoggers ? "" : QUIET_POOL + "\n");
    }

    /**
     * asadmin's property syntax: {@code :} separates properties and {@code =} key from value, so both are
     * escaped with a backslash; the whole value is quoted so that spaces survive the command-line split.
     */
    static String escape(String value) {
        if (value.isEmpty()) {
            return "\"\"";
        }
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (char c : value.toCharArray()) {
            if (c == ':' || c == '=' || c == '\\' || c == '"') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.append('"').toString();
    }
}
