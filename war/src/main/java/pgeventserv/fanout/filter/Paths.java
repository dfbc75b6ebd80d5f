package pgeventserv.fanout.filter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The key paths a set of filters reads, as a tree of keys from the payload's top-level object down: what
 * {@link JsonScanner} follows while it reads a payload, so that it decodes only keys on a path and copies only
 * values a condition reads. Several conditions on one path share its node; a node lives while a condition's path
 * goes through it. Node ids are small and reused, and index {@link Values}. Changed only by its owner's thread
 * (a {@link ChannelFilters}' or, never after it is made, a {@link Filter}'s own).
 */
final class Paths {

    /** One key on a path. Its id is stable while it lives. */
    static final class Node {
        final int id;
        final String key;
        final Node parent;
        private final List<Node> children = new ArrayList<>(0);
        /** The children by key; made with the first child (most nodes are leaves). */
        private KeyTable<Node> byKey;
        /** Conditions whose path goes through or ends at this node. */
        private int routes;
        /** Conditions whose path ends at this node: its value is read, not only its type. */
        private int readers;

        Node(int id, String key, Node parent) {
            this.id = id;
            this.key = key;
            this.parent = parent;
        }

        boolean hasChildren() {
            return !children.isEmpty();
        }

        boolean isRead() {
            return readers > 0;
        }

        /** The child whose key is {@code chars[from, from + length)}, or null. */
        Node child(char[] chars, int from, int length) {
            return byKey == null ? null : byKey.get(chars, from, length);
        }

        List<Node> children() {
            return children;
        }
    }

    private final Node root = new Node(0, null, null);
    /** Ids below this have been given out. */
    private int capacity = 1;
    private int[] freeIds = new int[8];
    private int freeCount;

    /** The payload itself: its children are the keys of the top-level object. */
    Node root() {
        return root;
    }

    /** One more than the highest node id in use so far: the room {@link Values} needs. */
    int capacity() {
        return capacity;
    }

    /** The node at the end of the path, made if need be, counted as read by one more condition. */
    Node acquire(String[] path) {
        Node node = root;
        node.routes++;
        for (String key : path) {
            if (node.byKey == null) {
                node.byKey = new KeyTable<>();
            }
            Node child = node.byKey.get(key);
            if (child == null) {
                child = new Node(nextId(), key, node);
                node.byKey.put(key, child);
                node.children.add(child);
            }
            child.routes++;
            node = child;
        }
        node.readers++;
        return node;
    }

    /** Undoes one {@link #acquire}: nodes no path goes through any more are removed and their ids freed. */
    void release(Node end) {
        end.readers--;
        for (Node node = end; node != null; node = node.parent) {
            if (--node.routes == 0 && node != root) {
                node.parent.byKey.remove(node.key);
                node.parent.children.remove(node);
                if (freeCount == freeIds.length) {
                    freeIds = Arrays.copyOf(freeIds, freeCount * 2);
                }
                freeIds[freeCount++] = node.id;
            }
        }
    }

    private int nextId() {
        if (freeCount > 0) {
            return freeIds[--freeCount];
        }
        return capacity++;
    }
}
