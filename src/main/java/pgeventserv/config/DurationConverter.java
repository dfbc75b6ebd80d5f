package pgeventserv.config;

import jakarta.annotation.Priority;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.spi.Converter;

/**
 * Durations as the original's settings write them, Go style: {@code 30s}, {@code 500ms}, {@code 1m30s},
 * {@code 1h}; units {@code ns us µs ms s m h}. {@code 0} needs no unit. ISO-8601 ({@code PT30S}) is accepted
 * too. Anything else is refused, so a malformed value stops startup with the key's name.
 */
@Priority(200)
public class DurationConverter implements Converter<Duration> {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    @Override
    public Duration convert(String value) {
        if (value == null) {
            throw new NullPointerException("no duration");
        }
        String text = value.trim();
        if (text.isEmpty()) {
            return null;
        }
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        if (text.startsWith("P") || text.startsWith("p")) {
            return Duration.parse(text);
        }
        Matcher m = PART.matcher(text);
        long nanos = 0;
        int at = 0;
        while (at < text.length() && m.find(at) && m.start() == at) {
            nanos += Math.round(Double.parseDouble(m.group(1)) * nanosPer(m.group(2)));
            at = m.end();
        }
        if (at == 0 || at != text.length()) {
            throw new IllegalArgumentException("'" + value + "' is not a duration such as 30s, 500ms or 1m30s");
        }
        return Duration.ofNanos(nanos);
    }

    private static double nanosPer(String unit) {
        return switch (unit) {
            case "ns" -> 1;
            case "us", "µs" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            default -> 3600e9;
        };
    }
}
