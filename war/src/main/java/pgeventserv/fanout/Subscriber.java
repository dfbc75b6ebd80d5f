package pgeventserv.fanout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import pgeventserv.fanout.filter.Filter;

/**
 * One client on its channels (one, or several on a multi-channel stream or a multiplexed session), as its transport
 * sees it: its lifecycle and what the transport may ask of it. What is written to it, and in what order, is its
 * {@link Outbox}'s.
 *
 * <p>Made by the handshake, before the client can see its connection open, so everything from then on is queued;
 * {@link #attach} hands over the {@link Writer} and writing starts. The lifecycle is one {@link State}:
 * {@code HANDSHAKE → OPEN → CLOSING → CLOSED}, or straight to {@code CLOSED} when the connection ends; a close from
 * any thread changes the state and asks the outbox to drain, and never touches the queue itself.
 *
 * <p>Threads. The state, the writer and the deadline are set by the server's threads and read by any. The channel
 * names change under the {@link Channels} lock (copy-on-write) and are read without it. {@link #collectedInPoll} and
 * {@link #durableFloor} are the listener thread's.
 */
public final class Subscriber {

    /** Where a subscriber is in its life; only ever moves forward. */
    public enum State {
        /** Registered and queuing; the connection is not open yet. */
        HANDSHAKE,
        /** Messages are written as the writer takes them. */
        OPEN,
        /** Left its channels; waits for its outstanding write, then closes with its {@link Farewell}. */
        CLOSING,
        /** The connection is closed or gone; nothing more is queued or written. */
        CLOSED
    }

    private static final String[] NO_CHANNELS = {};
    private static final Channel[] NOT_FILTERED = {};

    private final Format format;
    /** Several channels: each poll's events come merged in delivery order, not channel by channel. */
    private final boolean multi;
    private final Subscriptions subscriptions;
    private final Outbox outbox;
    private final long createdNanos = System.nanoTime();
    private final AtomicReference<State> state = new AtomicReference<>(State.HANDSHAKE);
    private final AtomicReference<Farewell> farewell = new AtomicReference<>();
    private volatile long closingSinceNanos;
    // Set before the state leaves HANDSHAKE, so whoever sees OPEN or CLOSING after attach also sees the writer.
    private volatile Writer writer;
    private volatile String[] channels = NO_CHANNELS;
    private volatile long deadlineMillis = Long.MAX_VALUE;
    private volatile Farewell deadlineFarewell;
    private volatile Runnable deadlineFirst;
    /** Holds one of the {@code MaxSessions} places until it leaves. */
    private final AtomicBoolean counted = new AtomicBoolean();
    /** On the list of subscribers to drain again after the next poll. */
    private final AtomicBoolean awaiting = new AtomicBoolean();
    /** Listener thread: the last poll in which this multi-channel subscriber was collected for delivery. */
    private long collectedInPoll = -1;
    /**
     * Listener thread: a resume from the table gave this subscriber every durable event of its channels up to here,
     * while this server may not have released them all yet; those released later are not sent again. Zero once the
     * server's watermark has passed it.
     */
    private long durableFloor;
    /**
     * Under the {@link Channels} lock: a filter index took it since it last left everything, so its leaving is to be
     * told to the listener thread.
     */
    private boolean filtered;
    /** Listener thread: the channels whose filter index holds it. */
    private Channel[] filteredIn = NOT_FILTERED;
    /** Listener thread: the poll whose matches {@link #matched} holds. */
    private long matchedInPoll = -1;
    /** Listener thread: this poll's events of its filtered channels that match, in delivery order per channel. */
    private ArrayList<Event> matched;

    Subscriber(Format format, boolean multi, Limits limits, Subscriptions subscriptions) {
        this.format = format;
        this.multi = multi;
        this.subscriptions = subscriptions;
        this.outbox = new Outbox(this, format, limits, subscriptions);
    }

    /** A subscriber refused at the door: never registered, closed with the reason as soon as it opens. */
    static Subscriber refused(Format format, Limits limits, Subscriptions subscriptions, Farewell why) {
        Subscriber refused = new Subscriber(format, false, limits, subscriptions);
        refused.farewell.set(why);
        refused.closingSinceNanos = System.nanoTime();
        refused.state.set(State.CLOSING);
        return refused;
    }

    // What the transport asks.

    /** The connection is open: writing starts with whatever was queued since the handshake. */
    public void attach(Writer opened) {
        writer = opened;
        if (!state.compareAndSet(State.HANDSHAKE, State.OPEN) && state.get() == State.CLOSED) {
            // Dropped while its handshake took too long: the connection has nothing to carry.
            opened.close(new Farewell(Farewell.TRY_AGAIN_LATER, "subscription expired before the connection opened"));
            return;
        }
        outbox.drain();
    }

    /** The writer took its last write: anything queued can go. */
    public void writable() {
        outbox.drain();
    }

    /**
     * A multiplexed session subscribes to one more channel: once its LISTEN is in effect, {@code announce} is
     * queued, then a gap and what history holds after {@code lastEventId} (when given), then its live events.
     * False, and nothing asked, when the channel is new and {@code MaxChannels} channels exist.
     */
    public boolean join(String channel, String lastEventId, Frame announce) {
        return join(channel, lastEventId, announce, Filter.NONE);
    }

    /** As {@link #join(String, String, Frame)}, the channel's events filtered (DESIGN §13). */
    public boolean join(String channel, String lastEventId, Frame announce, Filter filter) {
        return subscriptions.join(this, List.of(channel), lastEventId, announce, Map.of(channel, filter));
    }

    /** Leaves one channel; {@code reply} is queued after its last event. */
    public void leave(String channel, Frame reply) {
        subscriptions.moves().add(Move.leave(this, channel, reply));
    }

    /** The answer to a client's command, after the answers to its earlier commands and what they sent. */
    public void reply(Frame frame) {
        subscriptions.moves().add(Move.reply(this, frame, null));
    }

    /** A last answer (why the session ends), in its turn as {@link #reply}, then the close. */
    public void replyAndClose(Frame frame, Farewell why) {
        subscriptions.moves().add(Move.reply(this, frame, why));
    }

    /** A message for this client alone (a keep-alive comment), after everything queued before it. */
    public void send(Frame frame) {
        outbox.offer(frame);
    }

    /**
     * Closes it with {@code why} at {@code epochMillis} (a token's expiry), found by a periodic sweep rather than a
     * timer per session; {@link Long#MAX_VALUE} for never.
     */
    public void endAt(long epochMillis, Farewell why) {
        endAt(epochMillis, why, null);
    }

    /** As {@link #endAt(long, Farewell)}, running {@code first} (on the sweep's thread) just before the close. */
    public void endAt(long epochMillis, Farewell why, Runnable first) {
        deadlineFirst = first;
        deadlineFarewell = why;
        deadlineMillis = epochMillis;
    }

    /** The connection ended (closed by either side, or failed): leaves its channels and drops the queue. */
    public void end() {
        state.set(State.CLOSED);
        subscriptions.leave(this);
        outbox.drain();
    }

    /** Leaves the channels now and closes the connection with the reason once its outstanding write is taken. */
    public void close(Farewell why) {
        if (!farewell.compareAndSet(null, why)) {
            return;
        }
        closingSinceNanos = System.nanoTime();
        State s = state.get();
        while ((s == State.HANDSHAKE || s == State.OPEN) && !state.compareAndSet(s, State.CLOSING)) {
            s = state.get();
        }
        subscriptions.leave(this);
        outbox.drain();
    }

    public State state() {
        return state.get();
    }

    /** The channels it receives now (a multiplexed session's change as it subscribes). */
    public List<String> channels() {
        return List.of(channels);
    }

    // The fan-out's side.

    Format format() {
        return format;
    }

    boolean multi() {
        return multi;
    }

    Outbox outbox() {
        return outbox;
    }

    Writer writer() {
        return writer;
    }

    Farewell farewell() {
        return farewell.get();
    }

    long closingSinceNanos() {
        return closingSinceNanos;
    }

    long createdNanos() {
        return createdNanos;
    }

    /** Closing or closed: nothing more is queued for it. */
    boolean gone() {
        State s = state.get();
        return s == State.CLOSING || s == State.CLOSED;
    }

    /** From CLOSING to CLOSED, once: true for the caller that made the change. */
    boolean closed() {
        return state.compareAndSet(State.CLOSING, State.CLOSED);
    }

    /** The connection failed under a write: nothing more is written, and it leaves its channels. */
    void lost() {
        state.set(State.CLOSED);
        subscriptions.leave(this);
    }

    /** Shutdown: closes at once from this thread, outstanding write or not. */
    void shutdown() {
        state.set(State.CLOSED);
        Writer w = writer;
        if (w != null) {
            w.close(Farewell.SHUTTING_DOWN);
        }
        outbox.drain();
    }

    /** Keep-alive tick: a client that did not answer the previous one is closed as dead. */
    void keepAlive(Farewell dead) {
        Writer w = writer;
        if (state.get() == State.OPEN && w != null && !w.keepAlive()) {
            close(dead);
        }
    }

    /** Sweep: closes it when its deadline has passed. */
    void closeIfDue(long nowMillis) {
        if (nowMillis >= deadlineMillis) {
            Farewell why = deadlineFarewell;
            Runnable first = deadlineFirst;
            deadlineMillis = Long.MAX_VALUE;
            if (first != null) {
                first.run();
            }
            close(why);
        }
    }

    /** It holds one of the {@code MaxSessions} places now. */
    void counted() {
        counted.set(true);
    }

    /** It gives its place back: true for the first caller only. */
    boolean uncounted() {
        return counted.compareAndSet(true, false);
    }

    /** It goes on the list of subscribers to drain again: true when it was not on it already. */
    boolean markAwaiting() {
        return awaiting.compareAndSet(false, true);
    }

    void takenOffAwaiting() {
        awaiting.set(false);
    }

    /** Listener thread: collects it once per poll (a multi-channel subscriber); false when already collected. */
    boolean collect(long pollNumber) {
        if (collectedInPoll == pollNumber) {
            return false;
        }
        collectedInPoll = pollNumber;
        return true;
    }

    /** Listener thread: see {@link #durableFloor}. */
    long durableFloor() {
        return durableFloor;
    }

    /** Listener thread: the resume gave it every durable event up to {@code floor}. */
    void durableFloor(long floor) {
        durableFloor = floor;
    }

    /** Under the {@link Channels} lock, as it leaves every channel: whether a filter index took it since it last did. */
    boolean departsFiltered() {
        boolean was = filtered;
        filtered = false;
        return was;
    }

    /** Under the {@link Channels} lock, listener thread: a channel's filter index holds it now. */
    void filteredIn(Channel channel) {
        filtered = true;
        filteredIn = Arrays.copyOf(filteredIn, filteredIn.length + 1);
        filteredIn[filteredIn.length - 1] = channel;
    }

    /** Listener thread: the channel's filter index no longer holds it. */
    void unfilteredIn(Channel channel) {
        Channel[] c = filteredIn;
        for (int i = 0; i < c.length; i++) {
            if (c[i] == channel) {
                Channel[] fewer = Arrays.copyOf(c, c.length - 1);
                System.arraycopy(c, i + 1, fewer, i, c.length - i - 1);
                filteredIn = fewer;
                return;
            }
        }
    }

    /** Listener thread: whether its events of this channel are filtered. */
    boolean filteredOn(Channel channel) {
        for (Channel c : filteredIn) {
            if (c == channel) {
                return true;
            }
        }
        return false;
    }

    /** Listener thread: the channels whose filter index holds it, to leave them all. */
    Channel[] filteredChannels() {
        return filteredIn;
    }

    /**
     * Listener thread: this poll's matches so far, emptied on the poll's first match; true when this is that first
     * one (the caller then collects the subscriber for delivery).
     */
    boolean firstMatchIn(long pollNumber) {
        if (matchedInPoll == pollNumber) {
            return false;
        }
        matchedInPoll = pollNumber;
        if (matched == null) {
            matched = new ArrayList<>();
        } else {
            matched.clear();
        }
        return true;
    }

    /** Listener thread: this poll's matched events (valid after {@link #firstMatchIn} in this poll). */
    ArrayList<Event> matched() {
        return matched;
    }

    /** Listener thread: whether it has matches in this poll. */
    boolean matchedIn(long pollNumber) {
        return matchedInPoll == pollNumber;
    }

    String[] channelNames() {
        return channels;
    }

    boolean in(String name) {
        return Arrays.asList(channels).contains(name);
    }

    // Under the Channels lock.

    void joined(String name) {
        String[] more = Arrays.copyOf(channels, channels.length + 1);
        more[more.length - 1] = name;
        channels = more;
    }

    void left(String name) {
        String[] c = channels;
        int i = Arrays.asList(c).indexOf(name);
        if (i >= 0) {
            String[] fewer = Arrays.copyOf(c, c.length - 1);
            System.arraycopy(c, i + 1, fewer, i, c.length - i - 1);
            channels = fewer;
        }
    }

    void leftAll() {
        channels = NO_CHANNELS;
    }
}
