package pgeventserv.websocket;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;

/**
 * Finds, for a Tyrus WebSocket on Payara, the Grizzly {@code Connection} underneath it, and the connection's own
 * non-blocking write (its transport's async write queue): the way there is looked up once at startup by
 * reflection, then walked once per session. Immutable once made; any thread.
 *
 * <p>The way: {@code TyrusWebSocket.protocolHandler} -> {@code ProtocolHandler.writer} (Tyrus's
 * {@code TyrusServletWriter}) -> its {@code TyrusHttpUpgradeHandler} -> {@code getWebConnection()} (Catalina's
 * {@code WebConnectionImpl}) -> its {@code request} (Catalina's {@code Request}) -> {@code getCoyoteRequest()}
 * (Grizzly's HTTP request) -> {@code getConnection()}. Tyrus's own frames (ping, pong, close) go down the same
 * connection: its servlet writer writes and flushes every frame, Grizzly's HTTP output buffer hands the bytes to
 * the transport filter, which puts them on the same async write queue. That queue keeps the order in which writers
 * reserve their place, whichever thread they are on, so frames go out in the order they were written.
 *
 * <p>Nothing of Tyrus, Catalina or Grizzly is needed at compile time: the classes come from the class loaders of
 * the objects at hand ({@link #find} fails with a reason where a Payara upgrade changed them).
 */
final class GrizzlyConnections {

    private static final MethodHandles.Lookup PUBLIC = MethodHandles.publicLookup();

    private final Field protocolHandler;
    private final Field tyrusWriter;
    private final Field upgradeHandler;
    private final Method webConnection;
    private final Field catalinaRequest;
    private final Method secure;
    private final Method coyoteRequest;
    private final Method grizzlyConnection;
    private final MethodHandle transport;
    private final MethodHandle asyncQueueIO;
    private final MethodHandle queueWriter;
    private final MethodHandle memoryManager;
    private final MethodHandle wrap;
    private final MethodHandle write;
    private final MethodHandle canWrite;
    private final MethodHandle isOpen;

    private GrizzlyConnections(Field webSocketField, ClassLoader tyrus, ClassLoader catalina)
            throws ReflectiveOperationException {
        Class<?> webSocketClass = webSocketField.getType();
        protocolHandler = field(webSocketClass, "org.glassfish.tyrus.core.ProtocolHandler");
        tyrusWriter = field(protocolHandler.getType(), "org.glassfish.tyrus.spi.Writer");
        Class<?> servletWriterClass = Class.forName("org.glassfish.tyrus.servlet.TyrusServletWriter", false, tyrus);
        upgradeHandler = field(servletWriterClass, "org.glassfish.tyrus.servlet.TyrusHttpUpgradeHandler");
        webConnection = upgradeHandler.getType().getDeclaredMethod("getWebConnection");
        webConnection.setAccessible(true);
        Class<?> webConnectionClass = Class.forName("org.apache.catalina.connector.WebConnectionImpl", false, catalina);
        catalinaRequest = field(webConnectionClass, "org.apache.catalina.connector.Request");
        secure = catalinaRequest.getType().getMethod("isSecure");
        coyoteRequest = catalinaRequest.getType().getMethod("getCoyoteRequest");
        grizzlyConnection = coyoteRequest.getReturnType().getMethod("getConnection");
        Class<?> connection = grizzlyConnection.getReturnType();
        ClassLoader grizzly = connection.getClassLoader();
        Class<?> queueIO = Class.forName("org.glassfish.grizzly.asyncqueue.AsyncQueueIO", false, grizzly);
        Class<?> queueWriterClass = Class.forName("org.glassfish.grizzly.asyncqueue.AsyncQueueWriter", false, grizzly);
        Class<?> writerClass = Class.forName("org.glassfish.grizzly.Writer", false, grizzly);
        Class<?> memoryManagerClass = Class.forName("org.glassfish.grizzly.memory.MemoryManager", false, grizzly);
        Class<?> buffer = Class.forName("org.glassfish.grizzly.Buffer", false, grizzly);
        Class<?> message = Class.forName("org.glassfish.grizzly.asyncqueue.WritableMessage", false, grizzly);
        Class<?> completion = Class.forName("org.glassfish.grizzly.CompletionHandler", false, grizzly);
        Class<?> cloner = Class.forName("org.glassfish.grizzly.asyncqueue.MessageCloner", false, grizzly);
        Class<?> transportClass = Class.forName("org.glassfish.grizzly.Transport", false, grizzly);
        Class<?> queueEnabledTransport = Class.forName("org.glassfish.grizzly.asyncqueue.AsyncQueueEnabledTransport", false,
                grizzly);
        transport = PUBLIC.findVirtual(connection, "getTransport", MethodType.methodType(transportClass));
        asyncQueueIO = PUBLIC.findVirtual(queueEnabledTransport, "getAsyncQueueIO", MethodType.methodType(queueIO));
        queueWriter = PUBLIC.findVirtual(queueIO, "getWriter", MethodType.methodType(queueWriterClass));
        memoryManager = PUBLIC.findVirtual(connection, "getMemoryManager", MethodType.methodType(memoryManagerClass));
        wrap = PUBLIC.findStatic(Class.forName("org.glassfish.grizzly.memory.Buffers", false, grizzly), "wrap",
                MethodType.methodType(buffer, memoryManagerClass, ByteBuffer.class))
                .asType(MethodType.methodType(Object.class, Object.class, ByteBuffer.class));
        write = PUBLIC.findVirtual(writerClass, "write",
                MethodType.methodType(void.class, connection, Object.class, message, completion, cloner))
                .asType(MethodType.methodType(void.class, Object.class, Object.class, Object.class, Object.class,
                        Object.class, Object.class));
        canWrite = PUBLIC.findVirtual(connection, "canWrite", MethodType.methodType(boolean.class))
                .asType(MethodType.methodType(boolean.class, Object.class));
        isOpen = PUBLIC.findVirtual(connection, "isOpen", MethodType.methodType(boolean.class))
                .asType(MethodType.methodType(boolean.class, Object.class));
    }

    /**
     * The way down from Tyrus's WebSocket to Grizzly, looked up in the server's classes.
     *
     * @param webSocketField the field of Tyrus's remote endpoint that holds its {@code TyrusWebSocket}
     * @param tyrus the class loader of the server's WebSocket container (Tyrus's servlet integration)
     * @param catalina the class loader of the server's servlet context (Catalina, and through it Grizzly)
     */
    static GrizzlyConnections find(Field webSocketField, ClassLoader tyrus, ClassLoader catalina)
            throws ReflectiveOperationException {
        return new GrizzlyConnections(webSocketField, tyrus, catalina);
    }

    /** The first field, up the class hierarchy, whose type has this name, made accessible. */
    static Field field(Class<?> owner, String typeName) throws NoSuchFieldException {
        for (Class<?> c = owner; c != null; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (field.getType().getName().equals(typeName)) {
                    field.setAccessible(true);
                    return field;
                }
            }
        }
        throw new NoSuchFieldException(owner.getName() + " has no " + typeName + " field");
    }

    /**
     * The connection under a session's {@code TyrusWebSocket}, or null where the session is over TLS: its bytes
     * must go through Grizzly's SSL filter, so Tyrus writes them.
     *
     * @throws ReflectiveOperationException where the way down is not what Payara's classes had at startup
     */
    Direct connection(Object webSocket) throws ReflectiveOperationException {
        Object writer = tyrusWriter.get(protocolHandler.get(webSocket));
        Object connection = webConnection.invoke(upgradeHandler.get(writer));
        Object request = catalinaRequest.get(connection);
        if ((Boolean) secure.invoke(request)) {
            return null;
        }
        Object grizzly = grizzlyConnection.invoke(coyoteRequest.invoke(request));
        try {
            Object t = transport.invoke(grizzly);
            return new Direct(grizzly, queueWriter.invoke(asyncQueueIO.invoke(t)), memoryManager.invoke(grizzly));
        } catch (ReflectiveOperationException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** One session's Grizzly connection, its transport's async write queue and its memory manager. */
    final class Direct {

        private final Object connection;
        private final Object queue;
        private final Object memory;

        private Direct(Object connection, Object queue, Object memory) {
            this.connection = connection;
            this.queue = queue;
            this.memory = memory;
        }

        /** Whether the connection's async write queue is below Grizzly's bound for it. */
        boolean canWrite() throws Throwable {
            return (boolean) canWrite.invokeExact(connection);
        }

        boolean open() throws Throwable {
            return (boolean) isOpen.invokeExact(connection);
        }

        /** Queues the bytes on the connection, written at once if nothing is ahead of them; never blocks. */
        void write(ByteBuffer bytes) throws Throwable {
            Object buffer = (Object) wrap.invokeExact(memory, bytes);
            write.invokeExact(queue, connection, (Object) null, buffer, (Object) null, (Object) null);
        }
    }
}
