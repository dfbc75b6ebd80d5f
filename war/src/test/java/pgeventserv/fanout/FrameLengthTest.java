package pgeventserv.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** UTF-8 sizes at the edges of each encoding length, and a batch's frames for more formats than it first has room for. */
class FrameLengthTest {

    @Test
    void eachCharacterCountsTheBytesItsUtf8EncodingTakes() {
        assertEquals(1, Frame.utf8Length("\u007f"));
        assertEquals(2, Frame.utf8Length("\u0080"));
        assertEquals(2, Frame.utf8Length("\u07ff"));
        assertEquals(3, Frame.utf8Length("\u0800"));
        assertEquals(3, Frame.utf8Length("\uffff"));
        assertEquals(4, Frame.utf8Length("\ud83c\udf89"));
        assertEquals(6, Frame.utf8Length("a\ud83c\udf89b"));
    }

    @Test
    void aLoneSurrogateCountsAsTheReplacementCharactersThreeBytes() {
        assertEquals(4, Frame.utf8Length("a\ud83c"));
        assertEquals(4, Frame.utf8Length("\ud83ca"));
        assertEquals(3, Frame.utf8Length("\udf89"));
    }

    @Test
    void aReplayedMessageOfAnotherFormatCountsItsOwnText() {
        Event event = new Event(1, "c", "ü", 0, new EventIds("f"));
        Frame envelope = Batch.replayFrame(TestFormat.ENVELOPE, event);
        assertEquals("env:ü", envelope.text());
        assertEquals(6, envelope.bytes());
        Frame raw = Batch.replayFrame(TestFormat.RAW, event);
        assertEquals(2, raw.bytes());
    }

    @Test
    void aBatchIsPutForAsManyFormatsAsItsClientsUse() {
        Batch batch = new Batch();
        batch.add(new Event(1, "c", "p", 0, new EventIds("f")));
        TestFormat third = new TestFormat("third:", false, false);
        Messages raw = batch.messages(TestFormat.RAW);
        Messages envelope = batch.messages(TestFormat.ENVELOPE);
        Messages other = batch.messages(third);
        assertEquals(List.of("third:p"), other.frames().stream().map(Frame::text).toList());
        assertEquals(List.of("env:p"), envelope.frames().stream().map(Frame::text).toList());
        assertEquals(raw, batch.messages(TestFormat.RAW));
        assertEquals(other, batch.messages(third));
    }
}
