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
 * <p>The keep-alive ping never goes beside a message in flight: Open Liberty refuses an async send while another
 * write of the session is in progress (its ping, written before {@code sendPing} returns, is one) and reports it to
 * the send's handler, so a ping from the scheduler beside a message lost that message and ended the subscriber with
 * the socket left open. The scheduler's thread pings only while it runs the send loop itself and nothing is in
 * flight, so a ping (written before {@code sendPing} returns on Liberty) never waits for a completion or races one.
 * While a message is in flight at a tick, that message is the check: still the same one at the next tick means a
 * peer that no longer reads. A send that fails all the same ends the subscriber and closes the session (1011), so
 * the client reconnects instead of waiting on a socket nothing writes to.
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
    // Counts sends; the keep-alive tick compares it to tell a stuck send from a new one (scheduler thread only).
    private volatile long sends;
    private long sendsAtLastTick = -1;
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

    /**
     * A ping while nothing is in flight and no other thread runs the send loop (it is this thread's then, so nothing
     * is sent beside the ping); false while the previous ping is unanswered, or the send in flight at the last tick
     * still is.
     */
    @Override
    public boolean keepAlive() {
        if (!pumping.compareAndSet(0, 1)) {
            // Another thread is sending or completing a send right now: the session writes; ping at the next tick.
            sendsAtLastTick = -1;
            return true;
        }
        boolean alive;
        if (inFlight) {
            long s = sends;
            alive = s != sendsAtLastTick;
            sendsAtLastTick = s;
            if (!alive) {
                LOG.fine(() -> "send " + s + " of session " + connection.session().getId() + " still in flight");
            }
        } else {
            sendsAtLastTick = -1;
            alive = connection.ping();
        }
        drain();
        return alive;
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
        if (pumping.getAndIncrement() == 0) {
            drain();
        }
    }

    /** The send loop, entered with {@code pumping} taken (1) by this thread; leaves it at 0. */
    private void drain() {
        int missed = 1;
        do {
            if (!inFlight) {
                if (frames != null && next < frames.size()) {
                    inFlight = true;
                    sends++;
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
            // The session closed under us, or the container refused the send without telling the handler.
            LOG.log(Level.FINE, "a send was refused; closing the session", e);
            inFlight = false;
            subscriber.end();
            connection.close(new Farewell(Farewell.INTERNAL_ERROR, "a send failed"));
        }
    }
}
