package pgeventserv.bench;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * CPU used during a measured window, in percent of one core (this machine's whole is 100 % times its cores):
 * by the server JVM, by the receiving threads (the load client's selector threads, or the ceiling client),
 * by the busiest of those threads, by the bench JVM as a whole (receivers, producer, JIT, GC), and by the
 * machine, which includes PostgreSQL and whatever else is running.
 */
final class CpuMeter implements Producer.Window {

    /**
     * Percentages of one core; {@code busiestReceiverThread} near 100 would mean the client is the bottleneck;
     * {@code server} is NaN for a server whose process is unknown.
     */
    record Share(double server, double receivers, double busiestReceiverThread, double bench, double machine) {
    }

    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private final Server server;
    private final Receivers receivers;
    private final Runnable onStart;
    private long startNanos;
    private long serverTicks;
    private long benchTicks;
    private long[] machine;
    private long[] threads;
    private Share share = new Share(0, 0, 0, 0, 0);

    CpuMeter(Server server, Receivers receivers, Runnable onStart) {
        this.server = server;
        this.receivers = receivers;
        this.onStart = onStart;
    }

    @Override
    public void mark(boolean start) {
        try {
            long now = System.nanoTime();
            long serverNow = server.pid() > 0 ? server.cpuTicks() : -1;
            long benchNow = ProcStats.cpuTicks(ProcessHandle.current().pid());
            long[] machineNow = ProcStats.machineTicks();
            long[] threadsNow = receivers.threadCpuNanos();
            if (start) {
                startNanos = now;
                serverTicks = serverNow;
                benchTicks = benchNow;
                machine = machineNow;
                threads = threadsNow;
                onStart.run();
                return;
            }
            double seconds = (now - startNanos) / 1e9;
            long receiverNanos = 0;
            long busiest = 0;
            for (int i = 0; i < threadsNow.length; i++) {
                long used = threadsNow[i] - threads[i];
                receiverNanos += used;
                busiest = Math.max(busiest, used);
            }
            long machineTotal = machineNow[1] - machine[1];
            share = new Share(
                    serverNow < 0 ? Double.NaN : ticksPercent(serverNow - serverTicks, seconds),
                    100.0 * receiverNanos / (now - startNanos),
                    100.0 * busiest / (now - startNanos),
                    ticksPercent(benchNow - benchTicks, seconds),
                    machineTotal == 0 ? 0 : 100.0 * CORES * (machineNow[0] - machine[0]) / machineTotal);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double ticksPercent(long ticks, double seconds) {
        return 100.0 * ticks / ProcStats.TICKS_PER_SECOND / seconds;
    }

    Share share() {
        return share;
    }
}
