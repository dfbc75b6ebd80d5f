package pgeventserv.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationConverterTest {

    private final DurationConverter converter = new DurationConverter();

    @Test
    void goDurationsAsTheOriginalWritesThem() {
        assertEquals(Duration.ofSeconds(30), converter.convert("30s"));
        assertEquals(Duration.ofMillis(500), converter.convert("500ms"));
        assertEquals(Duration.ofSeconds(90), converter.convert("1m30s"));
        assertEquals(Duration.ofHours(1), converter.convert("1h"));
        assertEquals(Duration.ofMillis(1500), converter.convert("1.5s"));
        assertEquals(Duration.ofNanos(2000), converter.convert("2us"));
        assertEquals(Duration.ZERO, converter.convert("0"));
    }

    @Test
    void isoDurationsToo() {
        assertEquals(Duration.ofSeconds(45), converter.convert("PT45S"));
    }

    @Test
    void anythingElseIsRefusedWithTheValue() {
        for (String bad : new String[] {"30", "thirty", "30 s", "s", "1m30", "-5s"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> converter.convert(bad), bad);
            assertEquals(true, e.getMessage().contains(bad), e.getMessage());
        }
    }
}
