package pgeventserv.fanout;

import java.util.List;

/**
 * What a subscriber asks of its channels, carried out on the listener thread in the order asked: join channels
 * (resuming after an id), leave one, or just send a reply behind what it asked before (and then, maybe, close).
 *
 * @param reply    what the client is sent when the move is carried out (a command's answer), or null
 * @param farewell for a reply, the close that follows it; null for none
 */
record Move(Subscriber subscriber, Kind kind, List<String> channels, String lastEventId, Frame reply,
        Farewell farewell) {

    enum Kind {
        JOIN, LEAVE, REPLY
    }

    static Move join(Subscriber subscriber, List<String> channels, String lastEventId, Frame reply) {
        return new Move(subscriber, Kind.JOIN, channels, lastEventId, reply, null);
    }

    static Move leave(Subscriber subscriber, String channel, Frame reply) {
        return new Move(subscriber, Kind.LEAVE, List.of(channel), null, reply, null);
    }

    static Move reply(Subscriber subscriber, Frame reply, Farewell farewell) {
        return new Move(subscriber, Kind.REPLY, List.of(), null, reply, farewell);
    }
}
