package pgeventserv.fanout;

import java.util.List;
import java.util.Map;
import pgeventserv.fanout.filter.Filter;

/**
 * What a subscriber asks of its channels, carried out on the listener thread in the order asked: join channels
 * (resuming after an id), leave one, or just send a reply behind what it asked before (and then, maybe, close).
 *
 * @param reply    what the client is sent when the move is carried out (a command's answer), or null
 * @param farewell for a reply, the close that follows it; null for none
 * @param filters  for a join, the filter of each channel that has one (DESIGN §13): live events, replays and
 *                 resumes of that channel go to the subscriber only when they match
 */
record Move(Subscriber subscriber, Kind kind, List<String> channels, String lastEventId, Frame reply,
        Farewell farewell, Map<String, Filter> filters) {

    enum Kind {
        JOIN, LEAVE, REPLY
    }

    static Move join(Subscriber subscriber, List<String> channels, String lastEventId, Frame reply,
            Map<String, Filter> filters) {
        return new Move(subscriber, Kind.JOIN, channels, lastEventId, reply, null, filters);
    }

    static Move leave(Subscriber subscriber, String channel, Frame reply) {
        return new Move(subscriber, Kind.LEAVE, List.of(channel), null, reply, null, Map.of());
    }

    static Move reply(Subscriber subscriber, Frame reply, Farewell farewell) {
        return new Move(subscriber, Kind.REPLY, List.of(), null, reply, farewell, Map.of());
    }

    /** The filter of one of the move's channels; {@link Filter#NONE} when it has none. */
    Filter filter(String channel) {
        return filters.getOrDefault(channel, Filter.NONE);
    }

    /** Whether the event is one the subscriber asked for (its channel's filter lets it through). */
    boolean wants(Event event) {
        Filter f = filters.get(event.channel());
        return f == null || f.matches(event.payload());
    }
}
