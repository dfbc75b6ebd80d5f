package pgeventserv.fanout.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The tree of filtered paths: shared prefixes, read marks, and nodes going when their last condition does. */
class PathsTest {

    @Test
    void conditionsOnOnePathShareItsNodeAndPrefixesAreShared() {
        Paths paths = new Paths();
        Paths.Node age = paths.acquire(new String[] {"new", "age"});
        Paths.Node again = paths.acquire(new String[] {"new", "age"});
        Paths.Node name = paths.acquire(new String[] {"new", "name"});
        assertSame(age, again);
        assertSame(age.parent, name.parent);
        assertTrue(age.isRead());
        assertFalse(age.parent.isRead(), "new is only on the way");
        assertEquals(4, paths.capacity());
    }

    @Test
    void nodesGoWithTheirLastConditionAndTheirIdsAreReused() {
        Paths paths = new Paths();
        Paths.Node age = paths.acquire(new String[] {"new", "age"});
        paths.acquire(new String[] {"new", "age"});
        paths.release(age);
        assertSame(age, child(paths.root(), "new", "age"), "one condition still reads it");
        paths.release(age);
        assertNull(child(paths.root(), "new"));
        assertFalse(paths.root().hasChildren());
        for (int i = 0; i < 10_000; i++) {
            paths.release(paths.acquire(new String[] {"k" + i, "x"}));
        }
        assertEquals(3, paths.capacity(), "churn reuses ids");
    }

    private static Paths.Node child(Paths.Node node, String... keys) {
        for (String key : keys) {
            if (node == null) {
                return null;
            }
            node = node.child(key.toCharArray(), 0, key.length());
        }
        return node;
    }
}
