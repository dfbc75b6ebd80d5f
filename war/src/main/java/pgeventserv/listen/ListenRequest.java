package pgeventserv.listen;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import pgeventserv.access.ChannelName;
import pgeventserv.fanout.EventIds;
import pgeventserv.fanout.filter.Filter;

/**
 * What a request to {@code /listen/{channel}} or {@code /listen} asks for: which channels, how it connects, where
 * it resumes, and what of the channels it wants (repeated {@code filter} parameters, DESIGN §13; the same filter
 * for each channel). {@code /listen/{channel}} names one channel in its path; {@code /listen} names them with
 * repeated {@code channel} parameters (an event stream), or none at all (a multiplexed WebSocket session that
 * subscribes, and filters, by command).
 */
public record ListenRequest(String path, Kind kind, List<String> channels, String lastEventId, Filter filter) {

    /**
     * The request attribute holding, per channel, the filter the front door admitted it with (the token's and the
     * client's together): what the event stream subscribes with.
     */
    public static final String FILTERS = "pgeventserv.listen.filters";
    /** The query parameter a condition comes in, once per condition. */
    public static final String FILTER_PARAMETER = "filter";

    /** The envelope subprotocol, which a multiplexed session must offer: its commands and replies are JSON. */
    public static final String ENVELOPE_PROTOCOL = "pg_eventserv.envelope.v1";
    private static final String MULTI = "/listen";
    private static final String SINGLE = "/listen/";

    /** How the client connects. */
    public enum Kind {
        WEBSOCKET, EVENT_STREAM, NEITHER
    }

    /**
     * The request's listen target, or null when the path is not one (a deeper path: not found).
     *
     * @param maxFilters the most conditions its filter may have ({@code MaxFiltersPerSubscriber})
     * @throws IllegalArgumentException with a message for the client when the request cannot be served (a bad
     *                                  filter: naming the condition)
     */
    public static ListenRequest of(HttpServletRequest request, int maxFilters) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        Kind kind = kind(request);
        List<String> channels;
        if (path.equals(MULTI)) {
            channels = channelParameters(request, kind);
        } else if (path.startsWith(SINGLE) && path.indexOf('/', SINGLE.length()) < 0) {
            channels = List.of(ChannelName.fromPathSegment(path.substring(SINGLE.length())));
        } else {
            return null;
        }
        String[] conditions = request.getParameterValues(FILTER_PARAMETER);
        if (conditions != null && kind == Kind.WEBSOCKET && channels.isEmpty()) {
            throw new IllegalArgumentException("a multiplexed session filters in its subscribe commands:"
                    + " {\"type\":\"subscribe\",\"channel\":\"...\",\"filter\":[\"path=op.value\"]}");
        }
        return new ListenRequest(path, kind, channels, lastEventId(request, kind), filter(conditions, maxFilters));
    }

    /**
     * The client's filter from its {@code filter} parameters' values (null: none).
     *
     * @throws IllegalArgumentException naming the bad condition, or saying there are too many
     */
    public static Filter filter(String[] conditions, int maxFilters) {
        return conditions == null ? Filter.NONE : Filter.parse(Arrays.asList(conditions), maxFilters);
    }

    private static Kind kind(HttpServletRequest request) {
        if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            return Kind.WEBSOCKET;
        }
        String accept = request.getHeader("Accept");
        if (accept != null && accept.toLowerCase(Locale.ROOT).contains("text/event-stream")) {
            return Kind.EVENT_STREAM;
        }
        return Kind.NEITHER;
    }

    private static List<String> channelParameters(HttpServletRequest request, Kind kind) {
        String[] names = request.getParameterValues("channel");
        if (kind == Kind.WEBSOCKET) {
            if (!offersEnvelope(request)) {
                throw new IllegalArgumentException(MULTI + " is a multiplexed session: offer the WebSocket subprotocol "
                        + ENVELOPE_PROTOCOL + ", or connect to " + SINGLE + "{channel}");
            }
            if (names != null) {
                throw new IllegalArgumentException("a multiplexed session subscribes by command, not with channel parameters");
            }
            return List.of();
        }
        if (kind == Kind.EVENT_STREAM && (names == null || names.length == 0)) {
            throw new IllegalArgumentException("name the channels: " + MULTI + "?channel=a&channel=b");
        }
        return names == null ? List.of() : Arrays.stream(names).map(ChannelName::checked).distinct().toList();
    }

    private static boolean offersEnvelope(HttpServletRequest request) {
        return offersEnvelope(java.util.Collections.list(request.getHeaders("Sec-WebSocket-Protocol")));
    }

    /** Whether one of the {@code Sec-WebSocket-Protocol} header values offers the envelope protocol. */
    public static boolean offersEnvelope(List<String> protocolHeaders) {
        if (protocolHeaders == null) {
            return false;
        }
        for (String header : protocolHeaders) {
            for (String token : header.split(",")) {
                if (ENVELOPE_PROTOCOL.equals(token.trim())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code Last-Event-ID} (what a reconnecting EventSource sends) wins over the {@code lastEventId} parameter. */
    private static String lastEventId(HttpServletRequest request, Kind kind) {
        String id = kind == Kind.EVENT_STREAM ? request.getHeader("Last-Event-ID") : null;
        if (id == null || id.isEmpty()) {
            id = request.getParameter("lastEventId");
        }
        if (id == null || id.isEmpty()) {
            return null;
        }
        if (!EventIds.wellFormed(id)) {
            throw new IllegalArgumentException("lastEventId is not an event id: ids are at most " + EventIds.MAX_LENGTH
                    + " printable ASCII characters without spaces");
        }
        return id;
    }
}
