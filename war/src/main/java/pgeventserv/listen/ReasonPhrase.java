package pgeventserv.listen;

import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Field;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * A status with a reason phrase the server may not know (426 {@code Upgrade Required}). Servlet 6 dropped
 * {@code setStatus(int, String)} from the API, but a server's response class may still offer it (Open Liberty
 * does, and without it writes {@code 426 Undefined}), or keeps it behind its facade (Payara's Grizzly response);
 * where it does, the application names the reason and writes its own body. Where not, the caller falls back to
 * {@code sendError} (WildFly knows 426), and the body is the server's error report.
 */
final class ReasonPhrase {

    private static final MethodType SET_STATUS = MethodType.methodType(void.class, int.class, String.class);

    private ReasonPhrase() {
    }

    /** Sets status and reason through the server's own {@code setStatus(int, String)}; false when it has none. */
    static boolean set(HttpServletResponse response, int status, String reason) {
        MethodHandle setStatus = publicSetStatus(response.getClass());
        Object target = response;
        if (setStatus == null) {
            target = grizzlyResponse(response);
            setStatus = target == null ? null : publicSetStatus(target.getClass());
        }
        if (setStatus == null) {
            return false;
        }
        try {
            setStatus.invoke(target, status, reason);
            return true;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            return false;
        }
    }

    /** The first public class that has it: the response's own class may be a private subclass. */
    private static MethodHandle publicSetStatus(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                return MethodHandles.publicLookup().findVirtual(c, "setStatus", SET_STATUS);
            } catch (NoSuchMethodException | IllegalAccessException e) {
                // not here
            }
        }
        return null;
    }

    /**
     * Payara and GlassFish: the Grizzly response behind the servlet facade ({@code ResponseFacade.response}, then
     * its public {@code getCoyoteResponse()}), which keeps {@code setStatus(int, String)}. Null elsewhere.
     */
    private static Object grizzlyResponse(HttpServletResponse response) {
        for (Class<?> c = response.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field field = c.getDeclaredField("response");
                field.setAccessible(true);
                Object inner = field.get(response);
                return inner == null ? null : inner.getClass().getMethod("getCoyoteResponse").invoke(inner);
            } catch (NoSuchFieldException e) {
                // not here
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }
        return null;
    }
}
