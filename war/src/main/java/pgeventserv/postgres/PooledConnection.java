package pgeventserv.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import javax.sql.DataSource;

/**
 * A connection borrowed from the server's pool for one read or delete, every wait on the server bounded. The pool
 * keeps it afterwards: without the bound, a connection left idle across a silently cut network would hang
 * whoever takes it next (the pool's own round trip on hand-out has no timeout), the LISTEN connection's
 * reconnect included.
 */
final class PooledConnection {

    static final int NETWORK_TIMEOUT_MILLIS = 30_000;

    private PooledConnection() {
    }

    static Connection borrow(DataSource dataSource) throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            c.setNetworkTimeout(Runnable::run, NETWORK_TIMEOUT_MILLIS);
        } catch (SQLFeatureNotSupportedException | UnsupportedOperationException e) {
            // A driver without it: the pool's own settings are all there is.
        }
        return c;
    }
}
