package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FrameTest {

    @Test
    void byteSizeIsTheUtf8Length() {
        for (String s : new String[] {"", "ascii", "ü", "日本", "🎉", "a🎉b日ü"}) {
            assertEquals(s.getBytes(StandardCharsets.UTF_8).length, Frame.of(s).bytes(), s);
        }
    }
}
