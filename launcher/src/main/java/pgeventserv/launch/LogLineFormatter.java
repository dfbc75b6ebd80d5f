package pgeventserv.launch;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;

/**
 * The one format of every log line, the server's and the launcher's: {@code time LEVEL message} on one line, or
 * with {@code LogFormat = "json"} one JSON object a line ({@code time}, {@code level}, {@code logger},
 * {@code message}, and {@code exception} with the whole stack trace) for log shippers.
 *
 * <p>It runs inside the server JVM, named in the {@code logging.properties} the launcher writes
 * ({@link ServerLogging}), and {@code java.util.logging} loads formatters through the system class loader only:
 * so the launcher puts this class on the server's boot class path, and it must use nothing but the JDK.
 * A plain line never breaks: line breaks in a message (Payara's asadmin echoes, its JSON status) become
 * {@code " | "}, and an exception is summed up by its chain of causes; the JSON line keeps the stack trace.
 */
public class LogLineFormatter extends Formatter {

    /** UTC to the millisecond, always the same width. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final boolean json;

    public LogLineFormatter() {
        this(Boolean.parseBoolean(LogManager.getLogManager().getProperty(LogLineFormatter.class.getName() + ".json")));
    }

    public LogLineFormatter(boolean json) {
        this.json = json;
    }

    @Override
    public String format(LogRecord record) {
        String message = formatMessage(record);
        Throwable thrown = record.getThrown();
        if (json) {
            return json(record.getInstant(), record.getLevel().getName(), record.getLoggerName(), message,
                    thrown == null ? null : stackTrace(thrown));
        }
        return plain(record.getInstant(), record.getLevel().getName(),
                message + (thrown == null ? "" : (message == null || message.isEmpty() ? "" : ": ") + causes(thrown)));
    }

    public static String plain(Instant time, String level, String message) {
        return TIME.format(time) + " " + level + " " + oneLine(message) + System.lineSeparator();
    }

    public static String json(Instant time, String level, String logger, String message, String exception) {
        StringBuilder out = new StringBuilder(128).append("{\"time\":\"").append(TIME.format(time)).append("\",\"level\":\"").append(level)
                .append('"');
        if (logger != null && !logger.isEmpty()) {
            quoted(out.append(",\"logger\":"), logger);
        }
        quoted(out.append(",\"message\":"), message == null ? "" : message);
        if (exception != null) {
            quoted(out.append(",\"exception\":"), exception);
        }
        return out.append('}').append(System.lineSeparator()).toString();
    }

    private static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        return message.strip().replace("\r\n", "\n").replaceAll("\\s*\\n\\s*", " | ");
    }

    /** {@code IOException: refused; caused by ConnectException: refused}: what went wrong, without the frames. */
    private static String causes(Throwable thrown) {
        StringBuilder out = new StringBuilder(thrown.toString());
        int depth = 0;
        for (Throwable cause = thrown.getCause(); cause != null && cause != thrown && depth < 10; cause = cause.getCause(), depth++) {
            out.append("; caused by ").append(cause);
        }
        return out.toString();
    }

    private static String stackTrace(Throwable thrown) {
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        return trace.toString();
    }

    private static void quoted(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
