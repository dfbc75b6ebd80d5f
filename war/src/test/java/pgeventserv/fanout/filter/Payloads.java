package pgeventserv.fanout.filter;

import java.util.Random;

/**
 * Random payload texts for the property tests, written straight as text: objects over a small vocabulary of keys
 * (so filters hit), nested, with repeated keys, arrays, every kind of scalar and number spelling, random
 * whitespace and random {@code \}-escapes (surrogate pairs as two escaped halves too); now and then a
 * non-object, a broken document, plain text, or a nesting around the depth limit.
 */
final class Payloads {

    private Payloads() {
    }

    static String random(Random random) {
        int kind = random.nextInt(20);
        if (kind == 0) {
            return mutate(random, object(random, 0));
        }
        if (kind == 1) {
            return ChannelFiltersPropertyTest.pick(random, new String[] {"", "hello", "tenant=7", "{", "}", "null",
                "[1,2]", "\"tenant\"", "5", " { } ", "{\"tenant\":7}x", "{\"tenant\":07}", "{'tenant':7}"});
        }
        if (kind == 2) {
            return deep(random);
        }
        if (kind == 3) {
            StringBuilder out = new StringBuilder();
            value(random, out, 1);
            return out.toString();
        }
        return object(random, 0);
    }

    /** Nested objects down a random key, 60 to 68 levels, with members at the top: around the limit of 64. */
    private static String deep(Random random) {
        int levels = 60 + random.nextInt(9);
        StringBuilder out = new StringBuilder("{\"tenant\":").append(ChannelFiltersPropertyTest.pick(random,
                ChannelFiltersPropertyTest.NUMBERS)).append(",\"a\":");
        String key = ChannelFiltersPropertyTest.pick(random, ChannelFiltersPropertyTest.KEYS, 4);
        for (int k = 1; k < levels; k++) {
            out.append("{").append(string(random, key)).append(":");
        }
        out.append("1");
        out.append("}".repeat(levels - 1)).append("}");
        return out.toString();
    }

    private static String object(Random random, int depth) {
        StringBuilder out = new StringBuilder();
        object(random, out, depth);
        return out.toString();
    }

    private static void object(Random random, StringBuilder out, int depth) {
        out.append('{');
        space(random, out);
        int members = random.nextInt(depth == 0 ? 6 : 4);
        for (int k = 0; k < members; k++) {
            if (k > 0) {
                out.append(',');
                space(random, out);
            }
            String key = random.nextInt(4) == 0
                    ? ChannelFiltersPropertyTest.pick(random, ChannelFiltersPropertyTest.KEYS)
                    : ChannelFiltersPropertyTest.pick(random, ChannelFiltersPropertyTest.KEYS, 4);
            out.append(string(random, key));
            space(random, out);
            out.append(':');
            space(random, out);
            value(random, out, depth + 1);
            space(random, out);
        }
        out.append('}');
    }

    private static void value(Random random, StringBuilder out, int depth) {
        int kind = random.nextInt(depth < 4 ? 12 : 9);
        switch (kind) {
            case 0, 1, 2 -> out.append(string(random, ChannelFiltersPropertyTest.pick(random,
                    ChannelFiltersPropertyTest.STRINGS)));
            case 3, 4, 5 -> out.append(ChannelFiltersPropertyTest.pick(random, ChannelFiltersPropertyTest.NUMBERS));
            case 6 -> out.append(random.nextBoolean() ? "true" : "false");
            case 7 -> out.append("null");
            case 8 -> out.append(random.nextBoolean() ? "[]" : "{}");
            case 9 -> {
                out.append('[');
                for (int k = 0, n = random.nextInt(3); k < n; k++) {
                    out.append(k > 0 ? "," : "");
                    value(random, out, depth + 1);
                }
                out.append(']');
            }
            default -> object(random, out, depth);
        }
    }

    /** A JSON string literal of the text, some characters escaped at random. */
    static String string(Random random, String text) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\t') {
                out.append(random.nextBoolean() ? "\\t" : "\\u0009");
            } else if (c < 0x20 || random.nextInt(6) == 0) {
                out.append(String.format(random.nextBoolean() ? "\\u%04x" : "\\u%04X", (int) c));
            } else if (c == '/' && random.nextBoolean()) {
                out.append("\\/");
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private static void space(Random random, StringBuilder out) {
        if (random.nextInt(4) == 0) {
            out.append(ChannelFiltersPropertyTest.pick(random, new String[] {" ", "\n", "\t", "\r\n", "  "}));
        }
    }

    /** The text with one character cut, added or changed, or cut short: mostly no longer JSON. */
    static String mutate(Random random, String text) {
        int at = random.nextInt(text.length() + 1);
        String noise = ChannelFiltersPropertyTest.pick(random, new String[] {"{", "}", "[", "]", ",", ":", "\"", "\\",
            "a", "0", "-", ".", "e", " ", "\u0001", "u"});
        return switch (random.nextInt(4)) {
            case 0 -> text.substring(0, at);
            case 1 -> text.substring(0, at) + noise + text.substring(at);
            case 2 -> at < text.length() ? text.substring(0, at) + text.substring(at + 1) : text + noise;
            default -> at < text.length() ? text.substring(0, at) + noise + text.substring(at + 1) : noise + text;
        };
    }
}
