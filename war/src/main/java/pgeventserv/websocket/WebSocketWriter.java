package pgeventserv.websocket;

import pgeventserv.fanout.Farewell;
import pgeventserv.fanout.Writer;

/** What both WebSocket writers share: the session's pings and its close. They differ in how they write. */
abstract class WebSocketWriter implements Writer {

    final WebSocketConnection connection;

    WebSocketWriter(WebSocketConnection connection) {
        this.connection = connection;
    }

    @Override
    public boolean keepAlive() {
        return connection.ping();
    }

    @Override
    public final void close(Farewell farewell) {
        connection.close(farewell);
    }
}
