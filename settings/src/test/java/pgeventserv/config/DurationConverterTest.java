package pgeventserv.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationConverterTest {

    private final DurationConverter converter = new DurationConverter();

    @Test
    void convertsGoDurations() {
        assertEquals(Duration.ofSeconds(30), converter.convert("30s"));
        assertEquals(Duration.ofSeconds(90), converter.convert(" 1m30s "));
    }

    @Test
    void refusesWhatIsNotADuration() {
        assertThrows(IllegalArgumentException.class, () -> converter.convert("30"));
    }
}
