package pgeventserv.websocket;

import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import pgeventserv.fanout.Farewell;
import pgeventserv.fanout.Frame;
import pgeventserv.fanout.Messages;
import pgeventserv.fanout.Subscriber;

/**
 * The path that works on every server: {@code getAsyncRemote().sendText}, one message in flight at a time, the
 * completion sending the next. When the last message of a write is taken the subscriber is told, so its queue
 * drains at the pace of the client, not of the listener's polls.
 *
 * <p>The keep-alive ping goes the same way, between two messages, never while one is in flight: Open Liberty
 * refuses an async send while another write of the session is in progress (its ping is a write too) and reports it
 * to the send's handler, so a ping sent from the scheduler beside a message lost that message and ended the
 * subscriber with the socket left open. A send that fails all the same ends the subscriber and closes the session
 * (1011), so the client reconnects instead of waiting on a socket nothing writes to.
 *
 * <p>{@code pumping} is a trampoline: a completion that the container runs inside {@code sendText} only counts,
 * and the loop already running sends the next message, so a long write never recurses. Whoever runs the loop sends;
 * {@code inFlight} (set before a send, cleared by its completion before it pumps) keeps to one send at a time.
 */
final class PortableWriter extends WebSocketWriter implements SendHandler {

    private static final Logger LOG = Logger.getLogger(PortableWriter.class.getName());

    private final Subscriber subscriber;
    private final AtomicInteger pumping = new AtomicInteger();
    private volatile boolean idle = true;
    private volatile boolean inFlight;
    private volatile boolean pingDue;
    private List<Frame> frames;
    private int next;

    PortableWriter(WebSocketConnection connection, Subscriber subscriber) {
        super(connection);
        this.subscriber = subscriber;
    }

    @Override
    public boolean writable() {
        return idle;
    }

    @Override
    public void write(Messages messages) {
        frames = messages.frames();
        next = 0;
        idle = false;
        pump();
    }

    /** False while the last ping is unanswered; else a ping goes out as soon as no message is in flight. */
    @Override
    public boolean keepAlive() {
        if (!connection.pingDue()) {
            return false;
        }
        pingDue = true;
        pump();
        return true;
    }

    @Override
    public void onResult(SendResult result) {
        inFlight = false;
        if (result.isOK()) {
            pump();
        } else {
            LOG.log(Level.FINE, "a send failed; closing the session", result.getException());
            subscriber.end();
            connection.close(new Farewell(Farewell.INTERNAL_ERROR, "a send failed"));
        }
    }

    private void pump() {
        if (pumping.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            if (!inFlight) {
                if (pingDue) {
                    pingDue = false;
                    // Liberty writes a ping before sendPing returns; Tyrus and Undertow queue it behind their writes.
                    connection.sendPing();
                }
                if (frames != null && next < frames.size()) {
                    inFlight = true;
                    send(frames.get(next++).text());
                } else if (!idle) {
                    frames = null;
                    idle = true;
                    subscriber.writable();
                }
            }
            missed = pumping.addAndGet(-missed);
        } while (missed != 0);
    }

    private void send(String text) {
        try {
            connection.session().getAsyncRemote().sendText(text, this);
        } catch (RuntimeException e) {
            // The session closed under us.
            inFlight = false;
            subscriber.end();
        }
    }
}
