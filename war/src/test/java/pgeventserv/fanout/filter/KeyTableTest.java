package pgeventserv.fanout.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The in-place lookup table against a HashMap, with keys whose hashes collide (long probe runs to shift back). */
class KeyTableTest {

    @Test
    void behavesAsAMapUnderRandomPutsRemovesAndInPlaceLookups() {
        Random random = new Random(11);
        KeyTable<Integer> table = new KeyTable<>();
        Map<String, Integer> map = new HashMap<>();
        for (int step = 0; step < 200_000; step++) {
            String key = key(random);
            switch (random.nextInt(3)) {
                case 0 -> assertEquals(map.put(key, step), table.put(key, step), key);
                case 1 -> assertEquals(map.remove(key), table.remove(key), key);
                default -> {
                    char[] chars = ("xx" + key + "y").toCharArray();
                    assertEquals(map.get(key), table.get(chars, 2, key.length()), key);
                    assertEquals(map.get(key), table.get(key), key);
                }
            }
            assertEquals(map.size(), table.size());
        }
    }

    /** "Aa" and "BB" have the same hash, so every key made of them collides with all others of its length. */
    private static String key(Random random) {
        StringBuilder key = new StringBuilder();
        if (random.nextBoolean()) {
            for (int k = 0, n = random.nextInt(4); k < n; k++) {
                key.append(random.nextBoolean() ? "Aa" : "BB");
            }
        } else {
            key.append(random.nextInt(300));
        }
        return key.toString();
    }

    @Test
    void absentKeysAreNull() {
        KeyTable<String> table = new KeyTable<>();
        assertNull(table.get("a"));
        assertNull(table.get("abc".toCharArray(), 1, 1));
        assertNull(table.remove("a"));
        table.put("b", "x");
        assertEquals("x", table.get("abc".toCharArray(), 1, 1));
        assertNull(table.get("abc".toCharArray(), 1, 2));
    }
}
