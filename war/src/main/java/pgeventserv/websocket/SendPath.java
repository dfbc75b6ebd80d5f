package pgeventserv.websocket;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
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

/**
 * Which way frames go out, decided once at startup, said in one line and shown in {@code /metrics}: straight to
 * the Grizzly connection under Tyrus ({@link DirectWriter}) on Payara, else raw through Tyrus
 * ({@link RawFrameWriter}) where the server's WebSocket implementation is Tyrus and its raw write can be reached,
 * the portable API ({@link PortableWriter}) everywhere else. Where Tyrus is there but the probe fails (a Payara
 * upgrade changed it), one WARNING says so: the portable path is about 30x slower at fan-out, and that must not
 * happen silently; so does a direct path that stops working at a session (the raw one takes over).
 * {@code -Dpgeventserv.directWrites=false} keeps to the raw path, {@code -Dpgeventserv.rawFrames=false} chooses
 * the portable one (to compare in benchmarks). The paths are read by every session's open; set at startup, and
 * lowered once by the first session a path fails for.
 *
 * <p>Found by reflection, from the class loaders of the server's WebSocket container and servlet context, so
 * nothing of Tyrus, Catalina or Grizzly is needed at compile time or on other servers.
 */
@ApplicationScoped
public class SendPath {

    private static final Logger LOG = Logger.getLogger(SendPath.class.getName());
    private static final String TYRUS_ENDPOINT = "org.glassfish.tyrus.core.TyrusRemoteEndpoint";
    private static final String TYRUS_WEBSOCKET = "org.glassfish.tyrus.core.TyrusWebSocket";

    @Resource
    ManagedExecutorService executor;

    /** Null: the portable path. */
    private volatile Raw raw;

    /** Null: no direct path (the raw one, or the portable one). */
    private volatile GrizzlyConnections direct;

    private record Raw(Class<?> endpointClass, Field webSocket, MethodHandle sendRawFrame) {
    }

    void probe(@Observes @Initialized(ApplicationScoped.class) ServletContext context) {
        if ("false".equals(System.getProperty("pgeventserv.rawFrames"))) {
            LOG.info("WebSocket frames go out through the portable API (-Dpgeventserv.rawFrames=false)");
            return;
        }
        Object container = context.getAttribute(ServerContainer.class.getName());
        if (container == null || !container.getClass().getName().startsWith("org.glassfish.tyrus")) {
            LOG.info("WebSocket frames go out through the portable API (WebSocket implementation "
                    + (container == null ? "unknown" : container.getClass().getName()) + ")");
            return;
        }
        try {
            raw = find(container.getClass().getClassLoader());
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warning("the server's WebSocket implementation is Tyrus, but its raw frame write is out of reach (" + e
                    + "): frames go out through the portable API, much slower at fan-out; see pg_eventserv_send_path in /metrics");
            return;
        }
        if ("false".equals(System.getProperty("pgeventserv.directWrites"))) {
            LOG.info("WebSocket frames are written raw through Tyrus (-Dpgeventserv.directWrites=false)");
            return;
        }
        try {
            direct = GrizzlyConnections.find(raw.webSocket, container.getClass().getClassLoader(),
                    context.getClass().getClassLoader());
            LOG.info("WebSocket frames are written straight to the Grizzly connection under Tyrus (send path direct)");
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.info("WebSocket frames are written raw through Tyrus (send path raw; the Grizzly connection under it is"
                    + " out of reach: " + e + ")");
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

    /** The way frames go out, as {@code pg_eventserv_send_path} names it: direct, raw or portable. */
    public String path() {
        return direct != null ? "direct" : raw != null ? "raw" : "portable";
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
                    Object webSocket = r.webSocket.get(remote);
                    Writer directWriter = directWriter(connection, webSocket);
                    return directWriter != null ? directWriter : new RawFrameWriter(connection, webSocket, r.sendRawFrame);
                } catch (IllegalAccessException | RuntimeException e) {
                    LOG.warning("raw frame writes stopped working (" + e + "): frames go out through the portable API");
                    direct = null;
                    raw = null;
                }
            }
        }
        return new PortableWriter(connection, subscriber);
    }

    /** Null where this session cannot be written directly (over TLS, say), or no longer any session can. */
    private Writer directWriter(WebSocketConnection connection, Object webSocket) {
        GrizzlyConnections d = direct;
        if (d == null) {
            return null;
        }
        try {
            GrizzlyConnections.Direct found = d.connection(webSocket);
            return found == null ? null : new DirectWriter(connection, found);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.warning("direct writes to the Grizzly connection stopped working (" + e
                    + "): frames are written raw through Tyrus; see pg_eventserv_send_path in /metrics");
            direct = null;
            return null;
        }
    }
}
