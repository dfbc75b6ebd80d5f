package pgeventserv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartTest {

    private static final CpuMeter.Share CPU = new CpuMeter.Share(50, 20, 20, 30, 120);

    private static Results results(boolean withTarget) {
        Results r = new Results();
        r.label = "chart-test";
        r.startedAt = "2026-12-01T00:00:00Z";
        r.loadAtStart = "0.1";
        r.throughput.add(new Results.Throughput("ceiling: pgjdbc LISTEN", true, 1, 450_000, 450_000, 4_500_000, 0, 0, null, CPU,
                GcMeter.Collections.UNKNOWN));
        for (int clients : new int[] {1, 100, 1_000}) {
            r.throughput.add(new Results.Throughput(Bench.OURS, false, clients, 400_000.0 / clients * 40, 16_000_000, 1, 0, 0, null, CPU,
                    GcMeter.Collections.UNKNOWN));
            if (withTarget) {
                r.throughput.add(new Results.Throughput(Bench.TARGET, false, clients, 300_000.0 / clients * 40, 15_000_000, 1, 0, 0, null,
                        CPU, GcMeter.Collections.UNKNOWN));
            }
        }
        return r;
    }

    @Test
    void aTargetGivesEveryPanelTwiceTheRoomForItsBarsBesideOurs(@TempDir Path dir) throws Exception {
        Chart.write(results(false), dir.resolve("ours.png"));
        Chart.write(results(true), dir.resolve("both.png"));
        assertEquals(1500, ImageIO.read(dir.resolve("ours.png").toFile()).getWidth());
        assertEquals(3000, ImageIO.read(dir.resolve("both.png").toFile()).getWidth());
    }
}
