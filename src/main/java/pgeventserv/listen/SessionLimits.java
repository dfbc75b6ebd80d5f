package pgeventserv.listen;

/** How much may wait for one client before it counts as too slow. */
record SessionLimits(int messages, long bytes) {
}
