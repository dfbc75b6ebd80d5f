package pgeventserv.listen;

import jakarta.websocket.Session;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The fast path where the WebSocket implementation is Tyrus (Payara, GlassFish): write ready-made frames,
 * many at once, straight to the connection.
 *
 * <p>Why: every send through the standard API ({@code getAsyncRemote().sendText}) makes Tyrus restart its
 * idle timer, which schedules a task on the server's managed scheduled executor, and on Payara capturing the
 * context for each task is expensive: that, not the socket, caps the portable path. Tyrus's
 * {@code TyrusWebSocket.sendRawFrame(ByteBuffer)} writes bytes without it. Frames are encoded once per
 * notification ({@link Frame#encoded}) and everything queued for a client goes out in one write.
 *
 * <p>Found by reflection on the session's remote endpoint, so nothing here is needed at compile time; on
 * any other implementation, or if Tyrus changes, {@link #of} answers null and the portable path is used.
 * {@code -Dpgeventserv.rawFrames=false} turns it off (to compare in benchmarks).
 */
final class TyrusRawFrames {

    private static final Logger LOG = Logger.getLogger(TyrusRawFrames.class.getName());
    private static final boolean ENABLED = !"false".equals(System.getProperty("pgeventserv.rawFrames"));
    private static volatile Probe probe;

    private final Object webSocket;
    private final MethodHandle sendRawFrame;

    private record Probe(Class<?> remoteClass, Field webSocketField, MethodHandle sendRawFrame) {
    }

    private TyrusRawFrames(Object webSocket, MethodHandle sendRawFrame) {
        this.webSocket = webSocket;
        this.sendRawFrame = sendRawFrame;
    }

    /** The raw writer for this session, or null where only the portable path works. */
    static TyrusRawFrames of(Session session) {
        if (!ENABLED) {
            return null;
        }
        Object remote = session.getAsyncRemote();
        try {
            Probe p = probe;
            if (p == null || p.remoteClass != remote.getClass()) {
                p = probe(remote.getClass());
                probe = p;
            }
            if (p.webSocketField == null) {
                return null;
            }
            return new TyrusRawFrames(p.webSocketField.get(remote), p.sendRawFrame);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "Tyrus raw frames unavailable; using the portable path", e);
            return null;
        }
    }

    private static Probe probe(Class<?> remoteClass) throws IllegalAccessException {
        for (Class<?> c = remoteClass; c != null; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (field.getType().getName().equals("org.glassfish.tyrus.core.TyrusWebSocket")) {
                    try {
                        MethodHandle send = MethodHandles.publicLookup().findVirtual(field.getType(), "sendRawFrame",
                                MethodType.methodType(Future.class, ByteBuffer.class));
                        field.setAccessible(true);
                        LOG.info("WebSocket frames are written raw through Tyrus (the fast path)");
                        return new Probe(remoteClass, field, send);
                    } catch (NoSuchMethodException | RuntimeException e) {
                        return new Probe(remoteClass, null, null);
                    }
                }
            }
        }
        return new Probe(remoteClass, null, null);
    }

    /** Writes the bytes as they are; the future completes when the connection has taken them. */
    Future<?> write(ByteBuffer frames) throws Throwable {
        return (Future<?>) sendRawFrame.invoke(webSocket, frames);
    }
}
