package pgeventserv.listen;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;

/**
 * A refusal as a complete plain-text answer: Content-Length from the encoded body, so a client knows where it
 * ends. 426 is special. Payara's Grizzly treats any response carrying {@code Upgrade} as switching protocols (no
 * Content-Length, connection left open), so {@code Connection: close} ends it. Not every server knows its reason
 * phrase (Payara writes {@code 426 CUSTOM}, Liberty {@code 426 Undefined}): {@link ReasonPhrase} names it where
 * the server allows (both of these), so the body is the refusal's own explanation; elsewhere {@code sendError},
 * and the body there is the server's own error report.
 */
public enum Refusal {
    BAD_REQUEST(HttpServletResponse.SC_BAD_REQUEST),
    UNAUTHORIZED(HttpServletResponse.SC_UNAUTHORIZED),
    FORBIDDEN(HttpServletResponse.SC_FORBIDDEN),
    UPGRADE_REQUIRED(426),
    UNAVAILABLE(HttpServletResponse.SC_SERVICE_UNAVAILABLE);

    private static final Logger LOG = Logger.getLogger(Refusal.class.getName());

    private final int status;

    Refusal(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }

    public void send(HttpServletResponse response, String message) throws IOException {
        LOG.fine(() -> "refused with " + status + ": " + message);
        answer(response, message);
    }

    /** As {@link #send}, for a refusal already logged where it was decided (authorization logs its reason). */
    void answer(HttpServletResponse response, String message) throws IOException {
        if (this == UPGRADE_REQUIRED) {
            response.setHeader("Connection", "close");
            if (!ReasonPhrase.set(response, status, "Upgrade Required")) {
                response.sendError(status, "Upgrade Required");
                return;
            }
        } else {
            response.setStatus(status);
        }
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        response.setContentType("text/plain;charset=UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
