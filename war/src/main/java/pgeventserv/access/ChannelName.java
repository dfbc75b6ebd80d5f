package pgeventserv.access;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/**
 * The channel named by the last path segment of {@code /listen/{channel}}: percent-decoded as UTF-8
 * ({@code +} stays a plus, as in any path) and used exactly, case-sensitive, as the PostgreSQL channel.
 */
public final class ChannelName {

    /** PostgreSQL truncates identifiers to NAMEDATALEN - 1 bytes; a longer name would LISTEN on another channel. */
    static final int MAX_BYTES = 63;

    private ChannelName() {
    }

    /** @throws IllegalArgumentException with a message fit for the client when the name cannot be a channel */
    public static String fromPathSegment(String rawSegment) {
        return checked(percentDecode(rawSegment));
    }

    /** A name already decoded (a query parameter, a command's field), checked by the same rules. */
    public static String checked(String name) {
        if (name == null) {
            throw new IllegalArgumentException("channel name is missing");
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("channel name is empty");
        }
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("channel name contains a NUL character");
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw new IllegalArgumentException(
                    "channel name is " + bytes + " bytes long; PostgreSQL allows at most " + MAX_BYTES);
        }
        return name;
    }

    static String percentDecode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw new IllegalArgumentException("channel name has a truncated percent escape");
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("channel name has an invalid percent escape");
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("channel name is not valid UTF-8");
        }
    }
}
