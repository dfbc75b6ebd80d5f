package pgeventserv.bench;

import java.net.ProtocolException;
import java.util.Locale;

/**
 * The server answered an opening with {@code 503} and {@code Retry-After}: it is busy (a burst of handshakes waits
 * for a LISTEN) and asks the client to come back, as a browser's or a library's reconnect would.
 */
final class RetryLater extends ProtocolException {

    private final long delayMillis;

    private RetryLater(String status, long delayMillis) {
        super("refused for now: " + status);
        this.delayMillis = delayMillis;
    }

    long delayMillis() {
        return delayMillis;
    }

    /** The exception for a refused opening: this one when the server asked to retry in whole seconds, else a plain one. */
    static ProtocolException of(String what, String head) {
        String status = ClientConnection.statusLine(head);
        if (status.startsWith("HTTP/1.1 503")) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("retry-after")) {
                    try {
                        return new RetryLater(status, Long.parseLong(line.substring(colon + 1).trim()) * 1000);
                    } catch (NumberFormatException e) {
                        break;
                    }
                }
            }
        }
        return new ProtocolException(what + ": " + status);
    }
}
