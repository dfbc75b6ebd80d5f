package pgeventserv.fanout.filter;

/**
 * A map from text to values that can be asked about a run of characters without making a {@link String} of it:
 * the payload's keys and values are looked up in place, so matching a notification allocates nothing. Open
 * addressing with linear probing, at most half full; removal shifts the following entries back, so no tombstones
 * accumulate. Not thread-safe: its owner's thread only (the tables of a {@link ChannelFilters} are changed and
 * read by the thread that owns it; the tables of a parsed {@link Filter} are never changed after it is made).
 */
final class KeyTable<V> {

    private String[] keys = new String[8];
    private Object[] values = new Object[8];
    private int size;

    int size() {
        return size;
    }

    V get(String key) {
        int mask = keys.length - 1;
        for (int i = spread(key.hashCode()) & mask; keys[i] != null; i = (i + 1) & mask) {
            if (keys[i].equals(key)) {
                return value(i);
            }
        }
        return null;
    }

    /** The value of the key made of {@code chars[offset, offset + length)}, or null. */
    V get(char[] chars, int offset, int length) {
        int mask = keys.length - 1;
        for (int i = spread(hash(chars, offset, length)) & mask; keys[i] != null; i = (i + 1) & mask) {
            if (same(keys[i], chars, offset, length)) {
                return value(i);
            }
        }
        return null;
    }

    /** Adds or replaces; returns the value it replaced, or null. */
    V put(String key, V value) {
        int mask = keys.length - 1;
        int i = spread(key.hashCode()) & mask;
        for (; keys[i] != null; i = (i + 1) & mask) {
            if (keys[i].equals(key)) {
                V old = value(i);
                values[i] = value;
                return old;
            }
        }
        keys[i] = key;
        values[i] = value;
        if (++size * 2 > keys.length) {
            grow();
        }
        return null;
    }

    /** Removes the key; returns its value, or null when it was absent. */
    V remove(String key) {
        int mask = keys.length - 1;
        int i = spread(key.hashCode()) & mask;
        while (keys[i] != null && !keys[i].equals(key)) {
            i = (i + 1) & mask;
        }
        if (keys[i] == null) {
            return null;
        }
        V old = value(i);
        size--;
        // Backward shift: each later entry of the run that may sit at i (its home is not in (i, j]) moves there.
        int hole = i;
        for (int j = (i + 1) & mask; keys[j] != null; j = (j + 1) & mask) {
            int home = spread(keys[j].hashCode()) & mask;
            boolean homeBetween = hole <= j ? hole < home && home <= j : hole < home || home <= j;
            if (!homeBetween) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = null;
        values[hole] = null;
        return old;
    }

    /** The same hash as {@link String#hashCode()} of those characters. */
    static int hash(char[] chars, int offset, int length) {
        int h = 0;
        for (int i = offset, end = offset + length; i < end; i++) {
            h = 31 * h + chars[i];
        }
        return h;
    }

    private static boolean same(String key, char[] chars, int offset, int length) {
        if (key.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (key.charAt(i) != chars[offset + i]) {
                return false;
            }
        }
        return true;
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }

    @SuppressWarnings("unchecked")
    private V value(int i) {
        return (V) values[i];
    }

    private void grow() {
        String[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new String[oldKeys.length * 2];
        values = new Object[oldKeys.length * 2];
        int mask = keys.length - 1;
        for (int k = 0; k < oldKeys.length; k++) {
            if (oldKeys[k] != null) {
                int i = spread(oldKeys[k].hashCode()) & mask;
                while (keys[i] != null) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[k];
                values[i] = oldValues[k];
            }
        }
    }
}
