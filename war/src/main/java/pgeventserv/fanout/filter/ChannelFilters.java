package pgeventserv.fanout.filter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One channel's filtered subscribers, indexed, so that a payload is read once and tested against all of them at
 * about the cost of testing one. Subscribers without a filter do not belong here: the caller delivers to them
 * without asking, and they cost nothing.
 *
 * <p>Each subscriber's filter is filed under one of its conditions when it has a plain {@code eq} or {@code in}
 * (the first {@code eq}, else the first {@code in}): by that condition's path, under each of its values (as text,
 * and as a canonical number when the value is a number). For a payload, {@link #forEachMatch} reads the JSON once
 * (only the paths these filters use: {@link JsonScanner}), looks each indexed path's value up, and tests only the
 * other conditions of the subscribers found there; filters with nothing to index on are tested whole. So 1,000
 * subscribers filtering {@code tenant=eq.<their own>} cost one scan, one lookup and one test, not 1,000 tests.
 * Matching allocates nothing once its buffers have grown to the payloads seen (a buffer a very large payload grew
 * is let go after it).
 *
 * <p>Owned by one thread: the fan-out's listener thread adds, removes and matches (no lock; not thread-safe).
 * The action given to {@link #forEachMatch} must not call back into it (that fails fast).
 *
 * @param <S> the subscriber; identified by {@code equals}/{@code hashCode}
 */
public final class ChannelFilters<S> {

    private final Paths paths = new Paths();
    private final Values values = new Values();
    private final JsonScanner scanner = new JsonScanner();
    private final Map<S, Entry<S>> entries = new HashMap<>();
    private final List<Index<S>> indexes = new ArrayList<>();
    private final Map<Paths.Node, Index<S>> indexByNode = new HashMap<>();
    /** Filters with no eq or in to file them under; order does not matter (removal swaps the last in). */
    private final List<Entry<S>> unindexed = new ArrayList<>();
    private boolean matching;

    /**
     * Adds a subscriber with its filter (the token's and the client's together), or replaces its filter. An empty
     * filter matches every payload, but a subscriber without a filter is better not added at all: it would be
     * tested for nothing.
     */
    public void add(S subscriber, Filter filter) {
        notMatching();
        remove(subscriber);
        Condition[] conditions = filter.conditionArray();
        Paths.Node[] nodes = new Paths.Node[conditions.length];
        for (int i = 0; i < conditions.length; i++) {
            nodes[i] = paths.acquire(conditions[i].path);
        }
        int indexed = indexedCondition(conditions);
        Entry<S> entry;
        if (indexed < 0) {
            entry = new Entry<>(subscriber, filter, nodes, -1, null, null, null);
            entry.position = unindexed.size();
            unindexed.add(entry);
        } else {
            Index<S> index = indexByNode.get(nodes[indexed]);
            if (index == null) {
                index = new Index<>(nodes[indexed]);
                indexByNode.put(index.node, index);
                indexes.add(index);
            }
            Set<String> texts = new LinkedHashSet<>();
            Set<String> numbers = new LinkedHashSet<>();
            for (Operand operand : conditions[indexed].indexKeys()) {
                texts.add(operand.text);
                if (operand.numberKey != null) {
                    numbers.add(operand.numberKey);
                }
            }
            entry = new Entry<>(subscriber, filter, nodes, indexed, index, texts.toArray(String[]::new),
                    numbers.toArray(String[]::new));
            for (int k = 0; k < entry.textKeys.length; k++) {
                entry.textPositions[k] = join(index.byText, entry.textKeys[k], entry);
            }
            for (int k = 0; k < entry.numberKeys.length; k++) {
                entry.numberPositions[k] = join(index.byNumber, entry.numberKeys[k], entry);
            }
            index.entries++;
        }
        entries.put(subscriber, entry);
    }

    /** Removes a subscriber; returns whether it was here. */
    public boolean remove(S subscriber) {
        notMatching();
        Entry<S> entry = entries.remove(subscriber);
        if (entry == null) {
            return false;
        }
        Index<S> index = entry.index;
        if (index == null) {
            Entry<S> last = unindexed.remove(unindexed.size() - 1);
            if (last != entry) {
                unindexed.set(entry.position, last);
                last.position = entry.position;
            }
        } else {
            for (int k = 0; k < entry.textKeys.length; k++) {
                leave(index.byText, entry.textKeys[k], entry.textPositions[k], entry, true);
            }
            for (int k = 0; k < entry.numberKeys.length; k++) {
                leave(index.byNumber, entry.numberKeys[k], entry.numberPositions[k], entry, false);
            }
            if (--index.entries == 0) {
                indexes.remove(index);
                indexByNode.remove(index.node);
            }
        }
        for (Paths.Node node : entry.nodes) {
            paths.release(node);
        }
        return true;
    }

    public boolean contains(S subscriber) {
        return entries.containsKey(subscriber);
    }

    public int size() {
        return entries.size();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * Gives {@code action} each subscriber whose filter the payload passes, each once, in no particular order.
     * Reads the payload once, and not at all when no subscriber here has a condition.
     */
    public void forEachMatch(String payload, Consumer<? super S> action) {
        if (entries.isEmpty()) {
            return;
        }
        matching = true;
        try {
            // No path at all: every filter here is empty, and the payload need not be read.
            if (paths.root().hasChildren() && scanner.read(payload, paths, values)) {
                for (int i = 0; i < indexes.size(); i++) {
                    List<Entry<S>> bucket = candidates(indexes.get(i));
                    if (bucket != null) {
                        for (int k = 0; k < bucket.size(); k++) {
                            Entry<S> entry = bucket.get(k);
                            if (entry.filter.allHold(values, entry.nodes, entry.indexed)) {
                                action.accept(entry.subscriber);
                            }
                        }
                    }
                }
            } // else: every key is missing, so no eq or in holds; only unindexed filters (not., ex.false) may pass
            for (int i = 0; i < unindexed.size(); i++) {
                Entry<S> entry = unindexed.get(i);
                if (entry.filter.allHold(values, entry.nodes, -1)) {
                    action.accept(entry.subscriber);
                }
            }
        } finally {
            matching = false;
            values.end();
        }
    }

    /**
     * Whether the payload passes one subscriber's filter (a replay of history to a subscriber that joins).
     *
     * @throws IllegalArgumentException when the subscriber is not here
     */
    public boolean matches(S subscriber, String payload) {
        Entry<S> entry = entries.get(subscriber);
        if (entry == null) {
            throw new IllegalArgumentException("not a filtered subscriber of this channel: " + subscriber);
        }
        notMatching(); // it reuses the buffers forEachMatch is reading
        matching = true;
        try {
            scanner.read(payload, paths, values);
            return entry.filter.allHold(values, entry.nodes, -1);
        } finally {
            matching = false;
            values.end();
        }
    }

    /** The subscribers filed under the payload's value at the index's path: its eq or in holds for them. */
    private List<Entry<S>> candidates(Index<S> index) {
        int node = index.node.id;
        if (!Values.isScalar(values.type(node))) {
            return null;
        }
        int numberLength = values.numberLength(node);
        if (numberLength >= 0) {
            // A number equals a filter's value only if that value is a number too (were the texts equal, it would be).
            return index.byNumber.get(values.chars(), values.numberFrom(node), numberLength);
        }
        return index.byText.get(values.chars(), values.textFrom(node), values.textLength(node));
    }

    private static int indexedCondition(Condition[] conditions) {
        int in = -1;
        for (int i = 0; i < conditions.length; i++) {
            if (conditions[i].indexKeys() != null) {
                if (conditions[i].operator == Operator.EQ) {
                    return i;
                }
                if (in < 0) {
                    in = i;
                }
            }
        }
        return in;
    }

    /** Files the entry under the key; returns where it stands in that key's bucket. */
    private static <S> int join(KeyTable<List<Entry<S>>> table, String key, Entry<S> entry) {
        List<Entry<S>> bucket = table.get(key);
        if (bucket == null) {
            bucket = new ArrayList<>(2);
            table.put(key, bucket);
        }
        bucket.add(entry);
        return bucket.size() - 1;
    }

    /**
     * Takes the entry out of the key's bucket in constant time (many subscribers may share one filter, a token's):
     * the bucket's last entry takes its place.
     */
    private static <S> void leave(KeyTable<List<Entry<S>>> table, String key, int position, Entry<S> entry,
            boolean text) {
        List<Entry<S>> bucket = table.get(key);
        Entry<S> last = bucket.remove(bucket.size() - 1);
        if (last != entry) {
            bucket.set(position, last);
            last.movedTo(position, key, text);
        }
        if (bucket.isEmpty()) {
            table.remove(key);
        }
    }

    private void notMatching() {
        if (matching) {
            throw new IllegalStateException("a channel's filters cannot be changed or used while a payload is matched");
        }
    }

    private static final class Entry<S> {
        final S subscriber;
        final Filter filter;
        /** The path node of each condition. */
        final Paths.Node[] nodes;
        /** The condition the index files it under (its lookup proves it), or -1. */
        final int indexed;
        final Index<S> index;
        final String[] textKeys;
        final String[] numberKeys;
        /** Where it stands in each key's bucket. */
        final int[] textPositions;
        final int[] numberPositions;
        /** Where it stands in {@code unindexed}. */
        int position;

        Entry(S subscriber, Filter filter, Paths.Node[] nodes, int indexed, Index<S> index, String[] textKeys,
                String[] numberKeys) {
            this.subscriber = subscriber;
            this.filter = filter;
            this.nodes = nodes;
            this.indexed = indexed;
            this.index = index;
            this.textKeys = textKeys;
            this.numberKeys = numberKeys;
            this.textPositions = textKeys == null ? null : new int[textKeys.length];
            this.numberPositions = numberKeys == null ? null : new int[numberKeys.length];
        }

        /** It now stands at {@code position} in the bucket of that key (its keys are distinct). */
        void movedTo(int position, String key, boolean text) {
            String[] keys = text ? textKeys : numberKeys;
            int[] positions = text ? textPositions : numberPositions;
            for (int k = 0; k < keys.length; k++) {
                if (keys[k].equals(key)) {
                    positions[k] = position;
                    return;
                }
            }
        }
    }

    /** The subscribers filed under one path, by value. */
    private static final class Index<S> {
        final Paths.Node node;
        final KeyTable<List<Entry<S>>> byText = new KeyTable<>();
        final KeyTable<List<Entry<S>>> byNumber = new KeyTable<>();
        int entries;

        Index(Paths.Node node) {
            this.node = node;
        }
    }
}
