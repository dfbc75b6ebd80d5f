package pgeventserv.postgres;

import java.sql.SQLException;

/**
 * LISTEN and UNLISTEN statements for one channel. The name is quoted as an identifier (double quotes,
 * embedded ones doubled, as pgjdbc's {@code Utils.escapeIdentifier} does), so it is used exactly as given
 * (case-sensitive) and can inject nothing. Not pgjdbc's method itself: the WAR links no driver class (see
 * {@link DriverNotifications}).
 */
final class ChannelIdentifier {

    private ChannelIdentifier() {
    }

    static String quote(String channel) throws SQLException {
        if (channel.indexOf('\0') >= 0) {
            throw new SQLException("Zero bytes may not occur in identifiers.");
        }
        return '"' + channel.replace("\"", "\"\"") + '"';
    }

    static String listen(String channel) throws SQLException {
        return "LISTEN " + quote(channel);
    }

    static String unlisten(String channel) throws SQLException {
        return "UNLISTEN " + quote(channel);
    }
}
