package pgeventserv.listen;

import jakarta.servlet.http.HttpServletResponse;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * A status with a reason phrase the server may not know (426 {@code Upgrade Required}). Servlet 6 dropped
 * {@code setStatus(int, String)} from the API, but a server's response class may still offer it (Open Liberty
 * does, and without it writes {@code 426 Undefined}); where it does, the application names the reason and writes
 * its own body. Where not, the caller falls back to {@code sendError} (Payara takes its message as the reason,
 * WildFly knows 426).
 */
final class ReasonPhrase {

    private static final MethodType SET_STATUS = MethodType.methodType(void.class, int.class, String.class);

    private ReasonPhrase() {
    }

    /** Sets status and reason through the server's own {@code setStatus(int, String)}; false when it has none. */
    static boolean set(HttpServletResponse response, int status, String reason) {
        MethodHandle setStatus = null;
        // The first public class that has it: the response's own class may be a private subclass.
        for (Class<?> c = response.getClass(); c != null && setStatus == null; c = c.getSuperclass()) {
            try {
                setStatus = MethodHandles.publicLookup().findVirtual(c, "setStatus", SET_STATUS);
            } catch (NoSuchMethodException | IllegalAccessException e) {
                // not here
            }
        }
        if (setStatus == null) {
            return false;
        }
        try {
            setStatus.invoke(response, status, reason);
            return true;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            return false;
        }
    }
}
