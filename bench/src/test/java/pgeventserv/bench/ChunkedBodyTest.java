package pgeventserv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkedBodyTest {

    private final List<Long> sequences = new ArrayList<>();
    private final EventStreamParser events = new EventStreamParser((sent, sequence) -> sequences.add(sequence));
    private final ChunkedBody body = new ChunkedBody(events);

    /** The text cut into chunks of {@code size} bytes (the last shorter), then the last chunk. */
    private static byte[] chunked(String text, int size, boolean end) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < bytes.length; i += size) {
            int n = Math.min(size, bytes.length - i);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes, i, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        if (end) {
            out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    @Test
    void eventsSplitAcrossChunksAndReadsComeThroughWhole() throws Exception {
        String stream = "retry: 2000\n\n: keep-alive\n\nid: 1\ndata: 100 1xxxx\n\nid: 2\ndata: 200 2xxxx\n\n";
        for (int size : new int[] {1, 3, 7, 16, 1000}) {
            byte[] bytes = chunked(stream, size, false);
            for (int step : new int[] {1, 2, 5, 64}) {
                List<Long> got = new ArrayList<>();
                EventStreamParser parser = new EventStreamParser((sent, sequence) -> got.add(sequence));
                ChunkedBody decoder = new ChunkedBody(parser);
                for (int i = 0; i < bytes.length; i += step) {
                    decoder.feed(ByteBuffer.wrap(bytes, i, Math.min(step, bytes.length - i)));
                }
                assertEquals(List.of(1L, 2L), got, "chunks of " + size + ", reads of " + step);
                assertEquals("2", parser.lastId());
                assertEquals(1, parser.comments());
            }
        }
    }

    @Test
    void hexSizesAndExtensionsAreRead() throws Exception {
        String data = "data: 1 " + "x".repeat(40) + "\n\n";
        String wire = Integer.toHexString(data.length()).toUpperCase() + ";name=value\r\n" + data + "\r\n";
        body.feed(ByteBuffer.wrap(wire.getBytes(StandardCharsets.US_ASCII)));
        assertEquals(List.of(-1L), sequences);
        assertEquals(1, events.events());
    }

    @Test
    void theLastChunkEndsTheBody() throws Exception {
        body.feed(ByteBuffer.wrap(chunked("data: 5 5\n\n", 4, true)));
        assertEquals(List.of(5L), sequences);
        assertTrue(body.ended());
    }

    @Test
    void anOpenBodyHasNotEnded() throws Exception {
        body.feed(ByteBuffer.wrap(chunked("data: 5 5\n\n", 4, false)));
        assertFalse(body.ended());
    }

    @Test
    void brokenFramingIsAProtocolError() {
        assertThrows(ProtocolException.class, () -> body.feed(ByteBuffer.wrap("zz\r\n".getBytes(StandardCharsets.US_ASCII))));
        ChunkedBody other = new ChunkedBody(events);
        assertThrows(ProtocolException.class, () -> other.feed(ByteBuffer.wrap("2\r\nabXY".getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void theChunkedHeaderIsFoundWhateverItsCase() {
        assertTrue(SseConnection.isChunked("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\ntransfer-encoding:  Chunked\r\n\r\n"));
        assertFalse(SseConnection.isChunked("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n"));
    }
}
