package pgeventserv.listen;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough of a servlet request, response and async context for the front door and the event stream servlet: a GET
 * of a path with the headers, parameters and attributes a test gives it (by default {@code Accept: text/event-stream}
 * and every channel unfiltered), a response that records its status, headers and body, an async context that records
 * whether it was completed and runs what it is given to start at once. Whatever else is asked answers null (or
 * nothing). The test's thread owns it.
 */
public final class FakeHttp {

    public final Map<String, String> requestHeaders = new HashMap<>(Map.of("Accept", "text/event-stream"));
    public final Map<String, String[]> parameters = new HashMap<>();
    /** The front door's say: every channel unfiltered. */
    public final Map<String, Object> attributes = new HashMap<>(Map.of(ListenRequest.FILTERS, Map.of()));
    public final Map<String, String> responseHeaders = new HashMap<>();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final String path;
    /** What the response's output stream throws on setWriteListener; null for nothing. */
    public RuntimeException failOnWriteListener;
    /** Zero until the servlet sets one. */
    public int status;
    /** How many times the response's buffer was flushed. */
    public int flushes;
    public boolean asyncStarted;
    public boolean asyncCompleted;
    public WriteListener writeListener;

    public FakeHttp(String path) {
        this.path = path;
    }

    public HttpServletRequest request() {
        return proxy(HttpServletRequest.class, (name, args) -> switch (name) {
            case "getRequestURI" -> path;
            case "getContextPath" -> "";
            case "getHeader" -> requestHeaders.get((String) args[0]);
            case "getHeaders" -> Collections.enumeration(requestHeaders.containsKey((String) args[0])
                    ? List.of(requestHeaders.get((String) args[0])) : List.<String>of());
            case "getParameterValues" -> parameters.get((String) args[0]);
            case "getAttribute" -> attributes.get((String) args[0]);
            case "startAsync" -> {
                asyncStarted = true;
                yield asyncContext();
            }
            default -> null;
        });
    }

    public HttpServletResponse response() {
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
                body.write(b);
            }
        };
        return proxy(HttpServletResponse.class, (name, args) -> switch (name) {
            case "getOutputStream" -> out;
            case "setStatus" -> {
                status = (Integer) args[0];
                yield null;
            }
            case "getStatus" -> status;
            case "flushBuffer" -> {
                flushes++;
                yield null;
            }
            case "setHeader" -> {
                responseHeaders.put((String) args[0], (String) args[1]);
                yield null;
            }
            default -> null;
        });
    }

    /** What the response's body has had written, as UTF-8. */
    public String text() {
        return body.toString(StandardCharsets.UTF_8);
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
