package pgeventserv.fanout;

/** A channel, and the position after which its durable rows are wanted. */
public record Floor(String channel, long after) {
}
