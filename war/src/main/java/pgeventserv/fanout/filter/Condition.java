package pgeventserv.fanout.filter;

import java.util.ArrayList;
import java.util.List;

/**
 * One condition of a filter, {@code path=[not.]op.value}, read once when a client subscribes (the language is
 * described on {@link Filter}) and then tested against the {@link Values} of each payload. Immutable and
 * shareable between threads; testing allocates nothing.
 */
final class Condition {

    final String text;
    final String[] path;
    final Operator operator;
    final boolean negated;
    /** The value of eq, neq, lt, lte, gt and gte; null otherwise. */
    final Operand operand;
    /** The values of in and nin; null otherwise. */
    final Operand[] operands;
    /** The pattern of like; null otherwise. */
    final LikePattern pattern;
    /** The type is.null|true|false asks for; what ex.true|false asks for is {@code exists}. */
    final byte type;
    final boolean exists;

    private Condition(String text, String[] path, Operator operator, boolean negated, Operand operand,
            Operand[] operands, LikePattern pattern, byte type, boolean exists) {
        this.text = text;
        this.path = path;
        this.operator = operator;
        this.negated = negated;
        this.operand = operand;
        this.operands = operands;
        this.pattern = pattern;
        this.type = type;
        this.exists = exists;
    }

    /** @throws FilterException naming the condition and what is wrong with it */
    static Condition parse(String text) {
        if (text == null) {
            throw new FilterException(null, "a filter condition is null");
        }
        if (text.length() > Filter.MAX_CONDITION_LENGTH) {
            throw new FilterException(text, "longer than " + Filter.MAX_CONDITION_LENGTH + " characters ("
                    + text.length() + ")");
        }
        if (text.isEmpty()) {
            throw new FilterException(text, "an empty condition (expected path=op.value)");
        }
        List<String> path = new ArrayList<>();
        int i = path(text, path);
        boolean negated = text.startsWith("not.", i);
        if (negated) {
            i += 4;
        }
        int dot = text.indexOf('.', i);
        if (dot < 0) {
            throw new FilterException(text, "expected op.value after '=' (op: " + Operator.NAMES + ")");
        }
        String name = text.substring(i, dot);
        Operator operator = Operator.named(name);
        if (operator == null) {
            throw new FilterException(text, "unknown operator '" + name + "' (expected one of " + Operator.NAMES
                    + ", optionally after not.)");
        }
        String value = text.substring(dot + 1);
        String[] keys = path.toArray(String[]::new);
        switch (operator) {
            case IN, NIN -> {
                return new Condition(text, keys, operator, negated, null, list(text, value), null, Values.MISSING,
                        false);
            }
            case LIKE -> {
                LikePattern pattern;
                try {
                    pattern = new LikePattern(value);
                } catch (IllegalArgumentException e) {
                    throw new FilterException(text, e.getMessage() + " (write '\\\\' for a backslash)");
                }
                return new Condition(text, keys, operator, negated, null, null, pattern, Values.MISSING, false);
            }
            case IS -> {
                byte type = switch (value) {
                    case "null" -> Values.NULL;
                    case "true" -> Values.TRUE;
                    case "false" -> Values.FALSE;
                    default -> throw new FilterException(text, "is takes null, true or false, not '" + value + "'");
                };
                return new Condition(text, keys, operator, negated, null, null, null, type, false);
            }
            case EX -> {
                if (!value.equals("true") && !value.equals("false")) {
                    throw new FilterException(text, "ex takes true or false, not '" + value + "'");
                }
                return new Condition(text, keys, operator, negated, null, null, null, Values.MISSING,
                        value.equals("true"));
            }
            default -> {
                return new Condition(text, keys, operator, negated, new Operand(value), null, null, Values.MISSING,
                        false);
            }
        }
    }

    /** Reads the path before '=' into {@code keys}; returns the index after the '='. */
    private static int path(String text, List<String> keys) {
        int i = 0;
        int n = text.length();
        while (true) {
            if (i < n && text.charAt(i) == '"') {
                StringBuilder key = new StringBuilder();
                i = quoted(text, i, key, text, "key");
                keys.add(key.toString());
                if (i >= n || (text.charAt(i) != '.' && text.charAt(i) != '=')) {
                    throw new FilterException(text, "expected '.' or '=' after the quoted key \"" + key + "\"");
                }
            } else {
                int start = i;
                while (i < n && text.charAt(i) != '.' && text.charAt(i) != '=' && text.charAt(i) != '"') {
                    i++;
                }
                if (i < n && text.charAt(i) == '"') {
                    throw new FilterException(text, "a '\"' inside a key: quote the whole key (\"a.b\", with \\\" "
                            + "for a quote)");
                }
                if (i == start) {
                    throw new FilterException(text, i == 0 && i < n && text.charAt(i) == '='
                            ? "no path before '='" : "an empty key in the path (quote it: \"\")");
                }
                keys.add(text.substring(start, i));
            }
            if (i >= n) {
                throw new FilterException(text, "expected path=op.value");
            }
            if (text.charAt(i++) == '=') {
                return i;
            }
        }
    }

    /**
     * Reads the quoted text that opens at {@code source[open]} ({@code \} takes the next character as it is) into
     * {@code into}; returns the index after its closing quote.
     */
    private static int quoted(String source, int open, StringBuilder into, String condition, String what) {
        for (int i = open + 1; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\') {
                if (++i == source.length()) {
                    break;
                }
                c = source.charAt(i);
            }
            into.append(c);
        }
        throw new FilterException(condition, "a quoted " + what + " without its closing '\"'");
    }

    /** Reads {@code (a,b,"c,d")}; {@code ()} is the empty list. */
    private static Operand[] list(String text, String value) {
        if (!value.startsWith("(")) {
            throw new FilterException(text, "in and nin take a list: in.(a,b,\"c,d\")");
        }
        List<Operand> values = new ArrayList<>();
        int i = 1;
        int n = value.length();
        if (value.equals("()")) {
            return new Operand[0];
        }
        while (true) {
            if (i < n && value.charAt(i) == '"') {
                StringBuilder element = new StringBuilder();
                i = quoted(value, i, element, text, "value");
                values.add(new Operand(element.toString()));
            } else {
                int start = i;
                while (i < n && ",()\"".indexOf(value.charAt(i)) < 0) {
                    i++;
                }
                if (i < n && (value.charAt(i) == '(' || value.charAt(i) == '"')) {
                    throw new FilterException(text, "a '" + value.charAt(i) + "' inside a list value: quote the "
                            + "value (\"a(b)\", with \\\" for a quote)");
                }
                if (i == start) {
                    throw new FilterException(text, "an empty value in the list (quote it: \"\")");
                }
                values.add(new Operand(value.substring(start, i)));
            }
            if (i >= n) {
                throw new FilterException(text, "the list has no closing ')'");
            }
            char c = value.charAt(i++);
            if (c == ')') {
                if (i != n) {
                    throw new FilterException(text, "text after the list's closing ')'");
                }
                return values.toArray(Operand[]::new);
            }
            if (c != ',') {
                throw new FilterException(text, "expected ',' or ')' after a quoted list value");
            }
        }
    }

    /**
     * Whether the condition holds for the value at path node {@code node} of the payload in {@code values}. A
     * {@code not.} condition is exactly the negation of the condition without it.
     */
    boolean holds(Values values, int node) {
        return test(values, node) != negated;
    }

    private boolean test(Values values, int node) {
        byte found = values.type(node);
        switch (operator) {
            case EX:
                return (found != Values.MISSING) == exists;
            case IS:
                return found == type;
            default:
                break;
        }
        if (!Values.isScalar(found)) {
            return false; // missing, null, an object or an array: no comparison holds
        }
        switch (operator) {
            case EQ:
                return compare(values, node, operand) == 0;
            case NEQ:
                return compare(values, node, operand) != 0;
            case LT:
                return compare(values, node, operand) < 0;
            case LTE:
                return compare(values, node, operand) <= 0;
            case GT:
                return compare(values, node, operand) > 0;
            case GTE:
                return compare(values, node, operand) >= 0;
            case IN:
                return any(values, node);
            case NIN:
                return !any(values, node);
            case LIKE:
                return pattern.matches(values.chars(), values.textFrom(node), values.textLength(node),
                        values.scratch(pattern.scratchWords()));
            default:
                throw new IllegalStateException(operator.name);
        }
    }

    private boolean any(Values values, int node) {
        for (Operand o : operands) {
            if (compare(values, node, o) == 0) {
                return true;
            }
        }
        return false;
    }

    /** The payload's scalar against an operand: as numbers when both are numbers, else as text. */
    private static int compare(Values values, int node, Operand operand) {
        int numberLength = values.numberLength(node);
        if (operand.number != null && numberLength >= 0) {
            return Decimal.compare(values.chars(), values.numberFrom(node), numberLength, operand.number, 0,
                    operand.number.length);
        }
        return compareText(values.chars(), values.textFrom(node), values.textLength(node), operand.chars);
    }

    /**
     * Orders texts by Unicode code point (the order of their UTF-8 bytes, PostgreSQL's {@code COLLATE "C"}), not
     * by UTF-16 unit as {@link String#compareTo} does: where the first difference involves a surrogate, units from
     * U+E000 up are moved below the surrogates.
     */
    static int compareText(char[] a, int from, int length, char[] b) {
        int n = Math.min(length, b.length);
        for (int i = 0; i < n; i++) {
            char x = a[from + i];
            char y = b[i];
            if (x != y) {
                if (x >= 0xD800 && y >= 0xD800) {
                    x = x >= 0xE000 ? (char) (x - 0x800) : (char) (x + 0x2000);
                    y = y >= 0xE000 ? (char) (y - 0x800) : (char) (y + 0x2000);
                }
                return Character.compare(x, y);
            }
        }
        return Integer.compare(length, b.length);
    }

    /** The operand values an index may file this condition under, or null when it is not indexable. */
    Operand[] indexKeys() {
        if (negated) {
            return null;
        }
        return operator == Operator.EQ ? new Operand[] {operand} : operator == Operator.IN ? operands : null;
    }

    @Override
    public String toString() {
        return text;
    }
}
