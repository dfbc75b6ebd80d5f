package pgeventserv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeapHistogramTest {

    private static final String BEFORE = """
            12345:
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:          1000          64000  [B (java.base@17.0.9)
               2:           500          12000  java.lang.String (java.base@17.0.9)
               3:            10            800  org.glassfish.grizzly.http.server.Request
            Total          1510          76800
            """;

    private static final String AFTER = """
            12345:
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:          1200          96000  [B (java.base@17.0.9)
               2:           110          8800  org.glassfish.grizzly.http.server.Request
               3:           500          12000  java.lang.String (java.base@17.0.9)
            Total          1810         116800
            """;

    @Test
    void readsTheTotalAndEveryClass() throws IOException {
        HeapHistogram h = HeapHistogram.parse(BEFORE);
        assertEquals(76_800, h.totalBytes());
        assertEquals(3, h.byClass().size());
        assertEquals(800, h.byClass().get("org.glassfish.grizzly.http.server.Request")[1]);
    }

    @Test
    void growthPerSessionIsLargestFirstAndLeavesOutWhatDidNotGrow() throws IOException {
        List<HeapHistogram.PerSession> rows = HeapHistogram.parse(AFTER).growthPerSession(HeapHistogram.parse(BEFORE), 100, 10);
        assertEquals(2, rows.size());
        assertEquals("[B", rows.get(0).className());
        assertEquals(320, rows.get(0).bytes(), 1e-9);
        assertEquals(2, rows.get(0).instances(), 1e-9);
        assertEquals("org.glassfish.grizzly.http.server.Request", rows.get(1).className());
        assertEquals(80, rows.get(1).bytes(), 1e-9);
    }

    @Test
    void growthIsSharedOutByOwnerInAFixedOrder() throws IOException {
        var owners = HeapHistogram.parse(AFTER).growthPerSessionByOwner(HeapHistogram.parse(BEFORE), 100);
        assertEquals(List.of(HeapHistogram.HTTP, HeapHistogram.TYRUS, HeapHistogram.OURS, HeapHistogram.JDK, HeapHistogram.OTHER),
                List.copyOf(owners.keySet()));
        assertEquals(80, owners.get(HeapHistogram.HTTP), 1e-9);
        assertEquals(320, owners.get(HeapHistogram.JDK), 1e-9);
        assertEquals(0, owners.get(HeapHistogram.TYRUS), 1e-9);
    }

    @Test
    void anAnswerWithoutATotalIsAnError() {
        assertThrows(IOException.class, () -> HeapHistogram.parse("12345:\nCommand failed\n"));
    }
}
