package pgeventserv.fanout;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A format for tests: messages as {@code prefix + payload} (or with ids), framed as a 4-byte length and the UTF-8 bytes. */
record TestFormat(String prefix, boolean canTellGaps, boolean withIds) implements Format {

    static final TestFormat RAW = new TestFormat("", false, false);
    static final TestFormat ENVELOPE = new TestFormat("env:", true, false);
    /** Messages as {@code <id> <payload>}. */
    static final TestFormat IDS = new TestFormat("", true, true);

    @Override
    public String message(Event event) {
        return withIds ? event.id() + " " + event.payload() : prefix + event.payload();
    }

    /** {@code gap:<reason>:<channel>}, the fields the tests look at. */
    @Override
    public String gap(GapNotice gap) {
        return canTellGaps ? "gap:" + gap.reason() + ":" + gap.channel() : null;
    }

    @Override
    public int framedLength(Frame message) {
        return 4 + message.bytes();
    }

    @Override
    public void frame(Frame message, ByteBuffer out) {
        out.putInt(message.bytes()).put(message.text().getBytes(StandardCharsets.UTF_8));
    }

    static List<String> texts(ByteBuffer framed) {
        List<String> texts = new ArrayList<>();
        while (framed.hasRemaining()) {
            byte[] bytes = new byte[framed.getInt()];
            framed.get(bytes);
            texts.add(new String(bytes, StandardCharsets.UTF_8));
        }
        return texts;
    }
}
