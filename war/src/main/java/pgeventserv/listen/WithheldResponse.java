package pgeventserv.listen;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/**
 * The response a deferred WebSocket handshake goes down the chain with: Tyrus writes its 101 into it, and its
 * {@code flushBuffer}, the only thing that would send it on Payara (the server does not finish an upgraded
 * request's response), does nothing. The 101 stays in the real response's buffer until {@link UnsentUpgrade} sends it.
 *
 * <p>Threads: the request thread.
 */
final class WithheldResponse extends HttpServletResponseWrapper {

    private boolean withheld;

    WithheldResponse(HttpServletResponse response) {
        super(response);
    }

    @Override
    public void flushBuffer() {
        withheld = true;
    }

    /** Whether a flush was held back: Tyrus answered the way this deferral relies on. */
    boolean withheld() {
        return withheld;
    }
}
