package pgeventserv.websocket;

import pgeventserv.fanout.Farewell;
import pgeventserv.fanout.Format;
import pgeventserv.fanout.Writer;

/** What both WebSocket writers share: the session's format, its pings and its close. They differ in how they write. */
abstract class WebSocketWriter implements Writer {

    final WebSocketConnection connection;
    private final Format format;

    WebSocketWriter(WebSocketConnection connection, Format format) {
        this.connection = connection;
        this.format = format;
    }

    @Override
    public final Format format() {
        return format;
    }

    @Override
    public final boolean keepAlive() {
        return connection.ping();
    }

    @Override
    public final void close(Farewell farewell) {
        connection.close(farewell);
    }
}
