package pgeventserv.bench;

/** What the producer watches while it sends: how far the receivers of a phase have got. */
interface Receivers {

    /** Messages received by the receiver that is furthest behind. */
    long minReceived();

    /** Messages received by all receivers together. */
    long totalReceived();

    /** CPU time, in nanoseconds, of each thread that does the receiving. */
    long[] threadCpuNanos();
}
