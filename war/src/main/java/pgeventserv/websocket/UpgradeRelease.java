package pgeventserv.websocket;

import jakarta.websocket.Session;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.logging.Logger;

/**
 * Gives back, once a session is open on Payara, the two 1,024-char scratch buffers (4.1 KB) of the query-string
 * parser of the HTTP request it was upgraded from: Grizzly keeps that request for the connection's life, and
 * nothing reads its parameters after the handshake (Tyrus copied them). Each buffer goes back to the state of a
 * new {@code CharChunk}, which makes its own buffer again if it is ever written. The way down, found by
 * reflection from the first session's objects: {@code TyrusRemoteEndpoint} -> its {@code TyrusWebSocket} ->
 * {@code ProtocolHandler} -> Tyrus's servlet writer -> {@code TyrusHttpUpgradeHandler.getWebConnection()} ->
 * Catalina's {@code Request.getCoyoteRequest()} -> Grizzly's {@code Request.parameters} -> its
 * {@code tmpNameC}, {@code tmpValueC}. Elsewhere, or where a Payara upgrade changed the way, it does nothing (one
 * INFO line says so). {@code -Dpgeventserv.releaseUpgrade=false} turns it off (to compare in benchmarks).
 *
 * <p>The way is found once (by whichever session opens first) and read by every session's open; any thread.
 */
final class UpgradeRelease {

    private static final Logger LOG = Logger.getLogger(UpgradeRelease.class.getName());
    private static final boolean ENABLED = !"false".equals(System.getProperty("pgeventserv.releaseUpgrade"));

    private static volatile Way way;
    private static volatile boolean unreachable = !ENABLED;

    private UpgradeRelease() {
    }

    /** Releases what the session's upgraded request no longer needs; never throws, never blocks. */
    static void after(Session session) {
        if (unreachable) {
            return;
        }
        try {
            Object remote = session.getAsyncRemote();
            Way w = way;
            if (w == null) {
                if (!remote.getClass().getName().startsWith("org.glassfish.tyrus")) {
                    unreachable = true;
                    return;
                }
                w = new Way(remote);
                way = w;
            }
            w.release(remote);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            if (way == null) {
                unreachable = true;
                LOG.info("the upgraded HTTP request's scratch buffers stay (Payara's request is out of reach: " + e + ")");
            } else {
                LOG.fine(() -> "session " + session.getId() + " keeps its upgraded request's buffers: " + e);
            }
        }
    }

    /** The fields and methods down from Tyrus's remote endpoint to the two buffers. Immutable. */
    private static final class Way {

        private final Field webSocket;
        private final Field protocolHandler;
        private final Field tyrusWriter;
        private final Field upgradeHandler;
        private final Method webConnection;
        private final Field catalinaRequest;
        private final Method coyoteRequest;
        private final Field parameters;
        private final Field nameChars;
        private final Field valueChars;
        private final Field chars;
        private final Method recycle;

        Way(Object remote) throws ReflectiveOperationException {
            webSocket = GrizzlyConnections.field(remote.getClass(), "org.glassfish.tyrus.core.TyrusWebSocket");
            Object socket = webSocket.get(remote);
            protocolHandler = GrizzlyConnections.field(socket.getClass(), "org.glassfish.tyrus.core.ProtocolHandler");
            Object handler = protocolHandler.get(socket);
            tyrusWriter = GrizzlyConnections.field(handler.getClass(), "org.glassfish.tyrus.spi.Writer");
            Object writer = tyrusWriter.get(handler);
            upgradeHandler = GrizzlyConnections.field(writer.getClass(), "org.glassfish.tyrus.servlet.TyrusHttpUpgradeHandler");
            webConnection = upgradeHandler.getType().getDeclaredMethod("getWebConnection");
            webConnection.setAccessible(true);
            Object connection = webConnection.invoke(upgradeHandler.get(writer));
            catalinaRequest = GrizzlyConnections.field(connection.getClass(), "org.apache.catalina.connector.Request");
            coyoteRequest = catalinaRequest.getType().getMethod("getCoyoteRequest");
            Class<?> grizzlyRequest = coyoteRequest.getReturnType();
            parameters = GrizzlyConnections.field(grizzlyRequest, "org.glassfish.grizzly.http.util.Parameters");
            Class<?> parametersClass = parameters.getType();
            nameChars = named(parametersClass, "tmpNameC");
            valueChars = named(parametersClass, "tmpValueC");
            chars = named(nameChars.getType(), "buff");
            if (chars.getType() != char[].class) {
                throw new NoSuchFieldException(nameChars.getType().getName() + ".buff is not a char[]");
            }
            recycle = nameChars.getType().getMethod("recycle");
        }

        void release(Object remote) throws ReflectiveOperationException {
            Object writer = tyrusWriter.get(protocolHandler.get(webSocket.get(remote)));
            if (!upgradeHandler.getDeclaringClass().isInstance(writer)) {
                return;
            }
            Object connection = webConnection.invoke(upgradeHandler.get(writer));
            if (!catalinaRequest.getDeclaringClass().isInstance(connection)) {
                return;
            }
            Object request = catalinaRequest.get(connection);
            Object grizzly = request == null ? null : coyoteRequest.invoke(request);
            Object p = grizzly == null ? null : parameters.get(grizzly);
            if (p == null) {
                return;
            }
            empty(nameChars.get(p));
            empty(valueChars.get(p));
        }

        private void empty(Object chunk) throws ReflectiveOperationException {
            if (chunk != null) {
                recycle.invoke(chunk);
                chars.set(chunk, null);
            }
        }

        private static Field named(Class<?> owner, String name) throws NoSuchFieldException {
            Field f = owner.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        }
    }
}
