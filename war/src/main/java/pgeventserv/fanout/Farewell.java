package pgeventserv.fanout;

/**
 * Why the server ends a client's connection. The codes are WebSocket close codes, which say it best; a transport
 * without close codes (server-sent events) sends the reason in its own way.
 */
public record Farewell(int code, String reason) {

    /** The server is shutting down or the application is undeployed. */
    public static final int GOING_AWAY = 1001;
    /** The client broke a rule: it did not answer a ping, or sent too much. */
    public static final int POLICY_VIOLATION = 1008;
    /** The client or the server is overloaded: too slow a reader, too many sessions. */
    public static final int TRY_AGAIN_LATER = 1013;
    /** The server could not go on with the session (a send failed): the client reconnects. */
    public static final int INTERNAL_ERROR = 1011;

    static final Farewell SHUTTING_DOWN = new Farewell(GOING_AWAY, "server shutting down");
}
