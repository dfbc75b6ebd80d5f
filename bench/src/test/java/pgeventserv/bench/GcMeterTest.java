package pgeventserv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GcMeterTest {

    private static final String METRICS = """
            # TYPE gc_time_seconds_total counter
            gc_time_seconds_total{mp_scope="base",name="G1 Young Generation"} 0.331
            gc_time_seconds_total{mp_scope="base",name="G1 Old Generation"} 0.05
            # TYPE gc_total counter
            gc_total{mp_scope="base",name="G1 Young Generation"} 17.0
            gc_total{mp_scope="base",name="G1 Old Generation"} 1.0
            jvm_uptime_seconds{mp_scope="base"} 20.5
            """;

    @Test
    void collectionsAreSummedOverCollectors() {
        GcMeter.Collections c = GcMeter.parse(METRICS);
        assertEquals(18, c.count());
        assertEquals(381, c.millis(), 0.001);
    }

    @Test
    void aServerWithoutGcMetricsGivesUnknownNotZero() {
        assertEquals(GcMeter.Collections.UNKNOWN, GcMeter.parse("jvm_uptime_seconds 3\n"));
        assertEquals(GcMeter.Collections.UNKNOWN, GcMeter.parse(METRICS).minus(GcMeter.Collections.UNKNOWN));
    }

    @Test
    void windowIsTheDifference() {
        GcMeter.Collections d = new GcMeter.Collections(25, 500).minus(new GcMeter.Collections(18, 381));
        assertEquals(7, d.count());
        assertEquals(119, d.millis(), 0.001);
    }
}
