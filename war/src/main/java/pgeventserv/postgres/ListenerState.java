package pgeventserv.postgres;

/** Where the LISTEN connection stands; read by health checks and by handshakes deciding whether to wait. */
public enum ListenerState {
    CONNECTING, UP, DOWN, STOPPED
}
