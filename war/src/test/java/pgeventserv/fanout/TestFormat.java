package pgeventserv.fanout;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import pgeventserv.postgres.Gap;

/** A format for tests: messages as {@code prefix + payload}, framed as a 4-byte length and the UTF-8 bytes. */
record TestFormat(String prefix, boolean canTellGaps) implements Format {

    static final TestFormat RAW = new TestFormat("", false);
    static final TestFormat ENVELOPE = new TestFormat("env:", true);

    @Override
    public String message(String channel, String payload) {
        return prefix + payload;
    }

    @Override
    public String gap(Gap gap) {
        return canTellGaps ? "gap" : null;
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
