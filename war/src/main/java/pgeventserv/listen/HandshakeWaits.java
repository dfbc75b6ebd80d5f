package pgeventserv.listen;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The WebSocket handshakes that hold a server worker while their channel's LISTEN is on its way: at most
 * {@value #MAX} at once. The Jakarta WebSocket API answers a handshake from the thread that runs it, so one that must
 * not race the LISTEN waits there (a round trip, while the connection is up); one more is answered 503 with
 * {@code Retry-After: 1} instead of parking another worker. So a burst of fresh channels, or a LISTEN connection
 * that stalls while still marked up, never takes more than {@value #MAX} workers from everything else
 * ({@code /health/ready} included).
 *
 * <p>The workers actually parked are counted where they park ({@link #parking}), apart from the places: a wait that
 * the front door did not see coming would show there, and the most parked at once since start is kept, so a check
 * reads the peak of a burst without sampling it.
 *
 * <p>Threads: any (the server's request threads take and give back; metrics read).
 */
@ApplicationScoped
public class HandshakeWaits {

    /** Well under any server's worker pool (Payara's 200, Open Liberty's and WildFly's grow from fewer). */
    static final int MAX = 32;
    /**
     * The longest anything waits for its channel's LISTEN before it opens all the same: a handshake on its worker or
     * with its 101 held back ({@link UpgradeDeferrals}), an event stream before its headers.
     */
    public static final long LISTEN_WAIT_SECONDS = 5;
    /** How often a handshake waiting for its LISTEN looks whether the listener stalled or went down meanwhile. */
    public static final long STALL_CHECK_MILLIS = 100;

    private final Semaphore places = new Semaphore(MAX);
    private final LongAdder refused = new LongAdder();
    private final AtomicInteger parked = new AtomicInteger();
    private final AtomicInteger mostParked = new AtomicInteger();
    private final LongAdder parkings = new LongAdder();

    /** Takes a place to wait; false (counted) when all are taken. */
    boolean enter() {
        if (places.tryAcquire()) {
            return true;
        }
        refused.increment();
        return false;
    }

    void leave() {
        places.release();
    }

    /** Handshakes holding a worker for their LISTEN now, for {@code pg_eventserv_handshakes_waiting}. */
    public int waiting() {
        return MAX - places.availablePermits();
    }

    /** Handshakes answered 503 since start because {@value #MAX} were waiting already. */
    public long refused() {
        return refused.sum();
    }

    /** A handshake's worker parks until its channel's LISTEN is in effect; {@link #unparked} when it goes on. */
    public void parking() {
        parkings.increment();
        mostParked.accumulateAndGet(parked.incrementAndGet(), Math::max);
    }

    public void unparked() {
        parked.decrementAndGet();
    }

    /** Workers parked for a LISTEN now, for {@code pg_eventserv_handshakes_parked}. */
    public int parked() {
        return parked.get();
    }

    /** Handshakes that parked a worker for a LISTEN since start, for {@code pg_eventserv_handshakes_parkings}. */
    public long parkings() {
        return parkings.sum();
    }

    /** The most workers parked for a LISTEN at once since start, for {@code pg_eventserv_handshakes_parked_most}. */
    public int mostParked() {
        return mostParked.get();
    }
}
