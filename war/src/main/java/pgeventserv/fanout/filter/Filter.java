package pgeventserv.fanout.filter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A subscriber's filter: a list of conditions, all of which must hold (DESIGN §13), read once when the client
 * subscribes. Immutable and shareable between threads. Delivery tests many filters at once through a
 * {@link ChannelFilters}; {@link #matches} tests one on its own.
 *
 * <h2>The language</h2>
 * A condition is {@code path=op.value}, or {@code path=not.op.value} for its negation. Nothing is trimmed: every
 * character counts, spaces included. Case matters in keys, operators and values.
 * <ul>
 * <li><b>path</b>: keys into the payload's top-level JSON object, separated by dots: {@code new.age} is the key
 * {@code age} of the object under the key {@code new}. A key that holds a dot, an {@code =} or a {@code "} (or is
 * empty) is written in double quotes, with {@code \} before a character taking it as it is:
 * {@code "a.b".c=eq.1}, {@code "say \"hi\""=ex.true}, {@code ""=eq.x}. Paths go through objects only: an array on
 * the way (or any other non-object) means the key is missing.</li>
 * <li><b>eq neq lt lte gt gte</b>: everything after {@code op.} is the value, dots and quotes included
 * ({@code name=eq.a.b} compares with {@code a.b}). When the payload's value is a JSON number and the filter's value
 * is a JSON number (RFC 8259 syntax: {@code 7}, {@code -0.5}, {@code 1e3}; not {@code 07}, {@code +7} or
 * {@code .5}), they compare as exact decimals ({@code 5}, {@code 5.0} and {@code 50e-1} are equal; no rounding at
 * any size). Otherwise both compare as text, by Unicode code point: a string's content, a number as written in the
 * payload, {@code true} or {@code false}. So {@code age=eq.5} matches {@code 5}, {@code 5.0} and {@code "5"} but
 * not {@code "5.0"}, and {@code age=gt.10} against {@code "9"} compares text ({@code "9" > "10"}).</li>
 * <li><b>in nin</b>: {@code in.(a,b,"c,d")}, each value compared as by eq. A value holding {@code , ( ) "} (or
 * empty) is double-quoted, {@code \} taking the next character as it is: {@code in.("a,b","x(1)","say \"hi\"","")}.
 * Quotes only delimit: {@code in.("5")} is {@code in.(5)}. {@code in.()} matches nothing.</li>
 * <li><b>like</b>: PostgREST's convention: {@code *} and {@code %} match any run of characters, {@code _} exactly
 * one (a code point), {@code \} makes the next character literal; case-sensitive; the whole text must match
 * (the text as for eq's text comparison).</li>
 * <li><b>is</b>: {@code is.null}, {@code is.true}, {@code is.false}: the value is present and is JSON
 * null/true/false (the string {@code "true"} is not).</li>
 * <li><b>ex</b>: {@code ex.true}: the key exists (whatever its value, null included); {@code ex.false}: it does
 * not.</li>
 * </ul>
 *
 * <h2>What holds</h2>
 * The comparisons (eq, neq, lt, lte, gt, gte, in, nin, like) hold only for a scalar: a string, number, true or
 * false. A missing key, a JSON null, an object or an array makes every comparison false, neq and nin included
 * (an array is never equal, nor unequal, to a value). A payload that is not one JSON value, or is nested more than
 * {@value #MAX_DEPTH} arrays and objects deep, has no keys at all, nor does one that is not an object.
 * {@code not.} negates exactly: {@code not.X} holds whenever {@code X} does not, missing keys and non-JSON payloads
 * included, so {@code tenant=not.eq.8} lets a payload without {@code tenant} through while {@code tenant=neq.8}
 * does not (a filter set for security should say what may pass: {@code tenant=eq.7}). An object that repeats a key
 * counts its last value, as PostgreSQL does.
 *
 * <h2>Bounds</h2>
 * At most the caller's number of conditions per list ({@code MaxFiltersPerSubscriber}), each at most
 * {@value #MAX_CONDITION_LENGTH} characters; anything else wrong is a {@link FilterException} naming the condition.
 */
public final class Filter {

    public static final int MAX_CONDITION_LENGTH = 1024;

    /** Payloads nested deeper than this many arrays and objects are not read further, and match as non-JSON. */
    public static final int MAX_DEPTH = JsonScanner.MAX_DEPTH;

    /** No condition: everything matches. */
    public static final Filter NONE = new Filter(new Condition[0]);

    private final Condition[] conditions;
    /** The paths of this filter alone, for {@link #matches}: made on first use, never changed after. */
    private volatile Standalone standalone;

    private Filter(Condition[] conditions) {
        this.conditions = conditions;
    }

    /**
     * Reads a client's (or a token's) list of conditions.
     *
     * @param maxConditions the most conditions the list may have ({@code MaxFiltersPerSubscriber})
     * @throws FilterException naming the first bad condition, or saying the list is too long
     */
    public static Filter parse(List<String> conditions, int maxConditions) {
        if (conditions.size() > maxConditions) {
            throw new FilterException(null, "at most " + maxConditions + " filter conditions are allowed, got "
                    + conditions.size());
        }
        if (conditions.isEmpty()) {
            return NONE;
        }
        Map<String, Condition> parsed = new LinkedHashMap<>();
        for (String text : conditions) {
            if (!parsed.containsKey(text)) {
                parsed.put(text, Condition.parse(text));
            }
        }
        return new Filter(parsed.values().toArray(Condition[]::new));
    }

    /**
     * This filter and the other: what both let through. A token's filter {@code and} the client's is what the
     * client gets: the client can only narrow what its token allows. Not bounded by a number of conditions (each
     * list was when it was read).
     */
    public Filter and(Filter other) {
        if (other.conditions.length == 0) {
            return this;
        }
        if (conditions.length == 0) {
            return other;
        }
        List<Condition> both = new ArrayList<>(Arrays.asList(conditions));
        for (Condition c : other.conditions) {
            if (both.stream().noneMatch(mine -> mine.text.equals(c.text))) {
                both.add(c);
            }
        }
        return new Filter(both.toArray(Condition[]::new));
    }

    public boolean isEmpty() {
        return conditions.length == 0;
    }

    /** The conditions as written (duplicates once). */
    public List<String> conditions() {
        return Arrays.stream(conditions).map(c -> c.text).toList();
    }

    /**
     * Whether a payload passes this filter. Safe from any thread; allocates its own working space on each call,
     * so the delivery path uses {@link ChannelFilters} instead.
     */
    public boolean matches(String payload) {
        if (conditions.length == 0) {
            return true;
        }
        Standalone own = standalone;
        if (own == null) {
            standalone = own = new Standalone(conditions);
        }
        Values values = new Values();
        new JsonScanner().read(payload, own.paths, values); // not JSON: nothing recorded, every key is missing
        return allHold(values, own.nodes, -1);
    }

    Condition[] conditionArray() {
        return conditions;
    }

    /** Whether every condition but the one at {@code skipped} (-1: none) holds; {@code nodes[i]} is condition i's. */
    boolean allHold(Values values, Paths.Node[] nodes, int skipped) {
        for (int i = 0; i < conditions.length; i++) {
            if (i != skipped && !conditions[i].holds(values, nodes[i].id)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return conditions().toString();
    }

    /** This filter's own paths, for testing it alone. */
    private static final class Standalone {
        final Paths paths = new Paths();
        final Paths.Node[] nodes;

        Standalone(Condition[] conditions) {
            nodes = new Paths.Node[conditions.length];
            for (int i = 0; i < conditions.length; i++) {
                nodes[i] = paths.acquire(conditions[i].path);
            }
        }
    }
}
