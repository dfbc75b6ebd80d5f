package pgeventserv.fanout.filter;

/**
 * A value a condition compares with, as the client wrote it and, when it is a JSON number, as a canonical
 * {@link Decimal}: both sides numbers → compared as numbers; otherwise as text. Immutable.
 */
final class Operand {

    final String text;
    final char[] chars;
    /** The canonical decimal text, or null when the text is not a JSON number (or its exponent is too long). */
    final char[] number;
    /** The same as a key of the index, or null. */
    final String numberKey;

    Operand(String text) {
        this.text = text;
        this.chars = text.toCharArray();
        this.number = Decimal.isNumber(text) ? Decimal.canonical(text) : null;
        this.numberKey = number == null ? null : new String(number);
    }
}
