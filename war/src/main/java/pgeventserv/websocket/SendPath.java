package pgeventserv.websocket;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import jakarta.servlet.ServletContext;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.concurrent.Future;
import java.util.logging.Logger;
import pgeventserv.fanout.Subscriber;
import pgeventserv.fanout.Writer;
import pgeventserv.postgres.PollCompleted;

/**
 * Which way frames go out, decided once at startup and shown in {@code /metrics}: raw through Tyrus
 * ({@link RawFrameWriter}) where the server's WebSocket implementation is Tyrus and its raw write can be reached,
 * the portable API ({@link PortableWriter}) everywhere else. Where Tyrus is there but the probe fails (a Payara
 * upgrade changed it), one WARNING says so: the portable path is about 30x slower at fan-out, and that must not
 * happen silently. {@code -Dpgeventserv.rawFrames=false} chooses the portable path (to compare in benchmarks).
 *
 * <p>The listener thread makes the raw writes itself; {@code -Dpgeventserv.writeLanes=N} (1 to 16) shares them with
 * N {@link WriteLanes} threads instead. Off by default: on this shared 2-core machine the lanes cut the median at 100
 * clients but lost at 1,000 (docs/benchmarks.md, issue 17); a machine with idle cores may differ.
 *
 * <p>Found by reflection, from the class loader of the server's WebSocket container, so nothing of Tyrus is
 * needed at compile time or on other servers.
 */
@ApplicationScoped
public class SendPath {

    private static final Logger LOG = Logger.getLogger(SendPath.class.getName());
    private static final String TYRUS_ENDPOINT = "org.glassfish.tyrus.core.TyrusRemoteEndpoint";
    private static final String TYRUS_WEBSOCKET = "org.glassfish.tyrus.core.TyrusWebSocket";

    static final String LANES_PROPERTY = "pgeventserv.writeLanes";
    private static final int MAX_LANES = 16;
    /** A round that takes longer (a lane stuck in a write) stops holding the listener back. */
    private static final long MAX_ROUND_NANOS = 100_000_000L;

    @Resource
    ManagedExecutorService executor;

    @Resource
    ManagedThreadFactory threadFactory;

    /** Null: the portable path. */
    private volatile Raw raw;
    /** Null: raw writes are made by the thread that asks for them. */
    private WriteLanes lanes;

    private record Raw(Class<?> endpointClass, Field webSocket, MethodHandle sendRawFrame) {
    }

    void probe(@Observes @Initialized(ApplicationScoped.class) ServletContext context) {
        if ("false".equals(System.getProperty("pgeventserv.rawFrames"))) {
            LOG.info("WebSocket frames go out through the portable API (-Dpgeventserv.rawFrames=false)");
            return;
        }
        Object container = context.getAttribute(ServerContainer.class.getName());
        if (container == null || !container.getClass().getName().startsWith("org.glassfish.tyrus")) {
            LOG.fine(() -> "WebSocket implementation " + (container == null ? "unknown" : container.getClass().getName())
                    + ": frames go out through the portable API");
            return;
        }
        try {
            Raw found = find(container.getClass().getClassLoader());
            int count = laneCount(System.getProperty(LANES_PROPERTY));
            lanes = count == 0 ? null : new WriteLanes(count, threadFactory);
            // Published by the volatile write: whoever sees the raw path sees its lanes.
            raw = found;
            LOG.fine("WebSocket frames are written raw through Tyrus (the fast path)"
                    + (count == 0 ? "" : ", by the listener and " + count + " writer threads"));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warning("the server's WebSocket implementation is Tyrus, but its raw frame write is out of reach (" + e
                    + "): frames go out through the portable API, much slower at fan-out; see pg_eventserv_send_path in /metrics");
        }
    }

    private static Raw find(ClassLoader loader) throws ReflectiveOperationException {
        Class<?> endpoint = Class.forName(TYRUS_ENDPOINT, false, loader);
        for (Field field : endpoint.getDeclaredFields()) {
            if (field.getType().getName().equals(TYRUS_WEBSOCKET)) {
                MethodHandle send = MethodHandles.publicLookup().findVirtual(field.getType(), "sendRawFrame",
                        MethodType.methodType(Future.class, ByteBuffer.class));
                field.setAccessible(true);
                return new Raw(endpoint, field, send);
            }
        }
        throw new NoSuchFieldException(TYRUS_ENDPOINT + " has no " + TYRUS_WEBSOCKET + " field");
    }

    /** {@code -Dpgeventserv.writeLanes}: a number from 0 to 16; none (the listener writes) by default. */
    static int laneCount(String property) {
        if (property == null) {
            return 0;
        }
        try {
            int n = Integer.parseInt(property.trim());
            if (n >= 0 && n <= MAX_LANES) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        LOG.warning("-D" + LANES_PROPERTY + "=" + property + " is not a number from 0 to " + MAX_LANES
                + ": the listener thread writes");
        return 0;
    }

    /**
     * Listener thread, after the fan-out's own observer (a later priority) has handed the poll's writes out: the
     * round ends when they are written; see {@link WriteLanes}.
     */
    void pollCompleted(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) PollCompleted poll) {
        WriteLanes l = lanes;
        if (l != null) {
            l.finishRound(MAX_ROUND_NANOS);
        }
    }

    @PreDestroy
    void stop() {
        if (lanes != null) {
            lanes.stop();
        }
    }

    /** Whether sessions are written raw. */
    public boolean raw() {
        return raw != null;
    }

    /** A session that just opened, with what it needs to ping and close. */
    WebSocketConnection connection(Session session) {
        return new WebSocketConnection(session, executor);
    }

    /** The writer for the connection, on the path decided at startup. */
    Writer writer(WebSocketConnection connection, Subscriber subscriber) {
        Raw r = raw;
        if (r != null) {
            Object remote = connection.session().getAsyncRemote();
            if (r.endpointClass.isInstance(remote)) {
                try {
                    return new RawFrameWriter(connection, r.webSocket.get(remote), r.sendRawFrame, subscriber,
                            lanes == null ? null : lanes.assign());
                } catch (IllegalAccessException | RuntimeException e) {
                    LOG.warning("raw frame writes stopped working (" + e + "): frames go out through the portable API");
                    raw = null;
                }
            }
        }
        return new PortableWriter(connection, subscriber);
    }
}
