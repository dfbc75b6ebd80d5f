package pgeventserv.config;

import jakarta.annotation.Priority;
import java.time.Duration;
import org.eclipse.microprofile.config.spi.Converter;

/**
 * Lets the WAR inject duration settings ({@code PingInterval}) as {@link Duration}, written as the original
 * writes them ({@link GoDuration}: {@code 30s}, {@code 1m30s}). A malformed value fails the deployment with
 * the property's name, on any server.
 */
@Priority(200)
public class DurationConverter implements Converter<Duration> {

    @Override
    public Duration convert(String value) {
        if (value == null) {
            throw new NullPointerException("no duration");
        }
        return value.isBlank() ? null : GoDuration.parse(value);
    }
}
