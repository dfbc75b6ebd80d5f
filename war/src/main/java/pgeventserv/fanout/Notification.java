package pgeventserv.fanout;

/**
 * One notification as the listener heard it, fired as a CDI event on the listener thread in the order PostgreSQL
 * delivered them (commit order): a plain payload, or a hint that durable rows were committed on the channel (the
 * first and last position one transaction gave it). A hint is not a fact: any role that may NOTIFY can send one,
 * so the fan-out delivers only rows it reads from the table ({@link DurableReader}), never what a hint claims.
 *
 * @param payload      the plain payload exactly as NOTIFY sent it; null for a durable hint
 * @param durableFirst the first position a durable hint names; 0 for a plain notification
 * @param durableLast  the last position a durable hint names; 0 for a plain notification
 * @param sender       for a durable hint, the process id of the database session that sent it (only the session
 *                     that committed the rows can send a true hint for them); 0 for a plain notification
 */
public record Notification(String channel, String payload, long durableFirst, long durableLast, int sender) {

    public static Notification plain(String channel, String payload) {
        return new Notification(channel, payload, 0, 0, 0);
    }

    public static Notification durable(String channel, long first, long last, int sender) {
        return new Notification(channel, null, first, last, sender);
    }

    public boolean durable() {
        return durableFirst > 0;
    }
}
