package pgeventserv.config;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;

/** Where the server's connection pool connects: what a {@code DATABASE_URL} or libpq string says. */
public record ConnectionSettings(String host, int port, String database, String user, String password, Map<String, String> options) {

    /** For logs: everything but the password. */
    public String describe() {
        return user + "@" + host + ":" + port + "/" + database;
    }

    /**
     * The pgjdbc URL and properties for a plain connection (the tests and the bench; the server's own connections
     * come from its pool). pgjdbc's names for the options are the DataSource's, which its URL accepts too.
     */
    public String jdbcUrl() {
        String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + hostPart + ":" + port + "/" + URLEncoder.encode(database, StandardCharsets.UTF_8);
    }

    public Properties jdbcProperties() {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        if (!password.isEmpty()) {
            properties.setProperty("password", password);
        }
        options.forEach(properties::setProperty);
        return properties;
    }
}
