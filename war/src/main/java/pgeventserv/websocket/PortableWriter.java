package pgeventserv.websocket;

import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import pgeventserv.fanout.Frame;
import pgeventserv.fanout.Messages;
import pgeventserv.fanout.Subscriber;

/**
 * The path that works on every server: {@code getAsyncRemote().sendText}, one message in flight at a time, the
 * completion sending the next. When the last message of a write is taken the subscriber is told, so its queue
 * drains at the pace of the client, not of the listener's polls.
 *
 * <p>{@code pumping} is a trampoline: a completion that the container runs inside {@code sendText} only counts,
 * and the loop already running sends the next message, so a long write never recurses.
 */
final class PortableWriter extends WebSocketWriter implements SendHandler {

    private final Subscriber subscriber;
    private final AtomicInteger pumping = new AtomicInteger();
    private volatile boolean idle = true;
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

    @Override
    public void onResult(SendResult result) {
        if (result.isOK()) {
            pump();
        } else {
            subscriber.end();
        }
    }

    private void pump() {
        if (pumping.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            if (frames != null && next < frames.size()) {
                send(frames.get(next++).text());
            } else if (!idle) {
                frames = null;
                idle = true;
                subscriber.writable();
            }
            missed = pumping.addAndGet(-missed);
        } while (missed != 0);
    }

    private void send(String text) {
        try {
            connection.session().getAsyncRemote().sendText(text, this);
        } catch (RuntimeException e) {
            // The session closed under us.
            subscriber.end();
        }
    }
}
