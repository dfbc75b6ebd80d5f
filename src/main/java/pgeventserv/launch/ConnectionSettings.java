package pgeventserv.launch;

import java.util.Map;

/** Where the server's connection pool connects: what a {@code DATABASE_URL} or libpq string says. */
record ConnectionSettings(String host, int port, String database, String user, String password, Map<String, String> options) {

    /** For logs: everything but the password. */
    String describe() {
        return user + "@" + host + ":" + port + "/" + database;
    }
}
