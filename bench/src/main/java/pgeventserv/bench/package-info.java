/**
 * {@code scripts/bench}: measures the relay against a plain pgjdbc LISTEN client (the ceiling) in the same
 * run. Lives with the tests so that it never goes into the WAR; its unit tests run in {@code mvn verify},
 * the bench itself only when someone runs the script.
 *
 * <p>Pieces: {@link pgeventserv.bench.ServerProcess} starts {@code pg_eventserv.jar} and finds the Payara Micro child
 * JVM, whose CPU ({@code /proc/<pid>/stat}), RSS ({@code /proc/<pid>/status}) and live heap ({@code jcmd
 * GC.class_histogram}, which collects first, {@link pgeventserv.bench.HeapHistogram}) are read; {@link
 * pgeventserv.bench.TargetServer} stands for a server someone else started ({@code --target}), both behind {@link
 * pgeventserv.bench.Server}. {@link pgeventserv.bench.Producer} sends every
 * notification from one connection, a batch per transaction, payloads distinct within it and starting with the
 * send time in epoch microseconds, to one channel or taking turns over many. {@link pgeventserv.bench.LoadClient} is the WebSocket side: raw TCP, the
 * upgrade written by hand, one {@link pgeventserv.bench.SelectorLoop} thread (by default) for all connections,
 * {@link pgeventserv.bench.FrameParser} reading only frame headers, plus the leading digits of each payload in
 * latency phases. {@link pgeventserv.bench.CeilingClient} receives the same notifications through pgjdbc.
 *
 * <p>Why it is trustworthy: flat-out phases never let the producer run more than a {@link
 * pgeventserv.bench.Backlog} ahead of the slowest client, so no client is closed as too slow and the relay
 * always has work; after each phase the bench waits (bounded) for every delivery and reports what is missing as
 * missing. The load client's CPU share, per selector thread, is in the table: near 100 % of a core would mean the
 * client, not the relay, sets the figure ({@code --client-threads 2} then shows whether a second thread changes
 * it). Producer, clients and server share the machine's cores, as the targets assume.
 *
 * <p>Threads: each selector thread owns its connections; the producer thread only reads their published
 * counts (one volatile write per socket read, none per frame). Latency samples go to a per-thread
 * {@link pgeventserv.bench.Latencies} array, merged after the threads stop.
 */
package pgeventserv.bench;
