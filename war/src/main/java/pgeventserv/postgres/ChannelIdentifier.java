package pgeventserv.postgres;

import java.sql.SQLException;
import org.postgresql.core.Utils;

/**
 * LISTEN and UNLISTEN statements for one channel. The name is quoted as an identifier with
 * pgjdbc's own escaping, so it is used exactly as given (case-sensitive) and can inject nothing.
 */
final class ChannelIdentifier {

    private ChannelIdentifier() {
    }

    static String quote(String channel) throws SQLException {
        return Utils.escapeIdentifier(null, channel).toString();
    }

    static String listen(String channel) throws SQLException {
        return "LISTEN " + quote(channel);
    }

    static String unlisten(String channel) throws SQLException {
        return "UNLISTEN " + quote(channel);
    }
}
