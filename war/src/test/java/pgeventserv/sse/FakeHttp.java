package pgeventserv.sse;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import pgeventserv.listen.ListenRequest;

/**
 * Just enough of a servlet request, response and async context for the event stream servlet: a GET of a path with
 * {@code Accept: text/event-stream}, a response that records its status and headers, an async context that records
 * whether it was completed and runs what it is given to start at once. Whatever else is asked answers null (or
 * nothing).
 */
final class FakeHttp {

    final Map<String, String> requestHeaders = new HashMap<>(Map.of("Accept", "text/event-stream"));
    /** The front door's say: every channel unfiltered. */
    final Map<String, Object> attributes = new HashMap<>(Map.of(ListenRequest.FILTERS, Map.of()));
    final Map<String, String> responseHeaders = new HashMap<>();
    final String path;
    /** What the response's output stream throws on setWriteListener; null for nothing. */
    RuntimeException failOnWriteListener;
    /** Zero until the servlet sets one. */
    int status;
    boolean asyncStarted;
    boolean asyncCompleted;
    WriteListener writeListener;

    FakeHttp(String path) {
        this.path = path;
    }

    HttpServletRequest request() {
        return proxy(HttpServletRequest.class, (name, args) -> switch (name) {
            case "getRequestURI" -> path;
            case "getContextPath" -> "";
            case "getHeader" -> requestHeaders.get((String) args[0]);
            case "getAttribute" -> attributes.get((String) args[0]);
            case "startAsync" -> {
                asyncStarted = true;
                yield asyncContext();
            }
            default -> null;
        });
    }

    HttpServletResponse response() {
        ServletOutputStream out = new ServletOutputStream() {
            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
                if (failOnWriteListener != null) {
                    throw failOnWriteListener;
                }
                writeListener = listener;
            }

            @Override
            public void write(int b) {
                // Dropped.
            }
        };
        return proxy(HttpServletResponse.class, (name, args) -> switch (name) {
            case "getOutputStream" -> out;
            case "setStatus" -> {
                status = (Integer) args[0];
                yield null;
            }
            case "setHeader" -> {
                responseHeaders.put((String) args[0], (String) args[1]);
                yield null;
            }
            default -> null;
        });
    }

    private AsyncContext asyncContext() {
        return proxy(AsyncContext.class, (name, args) -> {
            if (name.equals("complete")) {
                asyncCompleted = true;
            } else if (name.equals("start")) {
                // As a container would, a little later on one of its threads: here, now.
                ((Runnable) args[0]).run();
            }
            return null;
        });
    }

    @FunctionalInterface
    private interface Answer {
        Object answer(String method, Object[] args);
    }

    private static <T> T proxy(Class<T> type, Answer answer) {
        return type.cast(Proxy.newProxyInstance(FakeHttp.class.getClassLoader(), new Class<?>[] {type},
                (p, method, args) -> {
                    Object value = answer.answer(method.getName(), args);
                    if (value == null && method.getReturnType() == boolean.class) {
                        return false;
                    }
                    if (value == null && method.getReturnType() == int.class) {
                        return 0;
                    }
                    if (value == null && method.getReturnType() == long.class) {
                        return 0L;
                    }
                    return value;
                }));
    }
}
