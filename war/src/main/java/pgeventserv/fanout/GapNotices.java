package pgeventserv.fanout;

import java.util.ArrayList;

/** Telling clients of a gap, in their own format, where the format can say it (raw WebSocket cannot). */
final class GapNotices {

    private GapNotices() {
    }

    /** One subscriber, after what is queued for it. */
    static void tell(Subscriber subscriber, GapNotice notice) {
        String message = subscriber.format().gap(notice);
        if (message != null) {
            subscriber.outbox().offer(Frame.of(message));
        }
    }

    /** Every member of the channel, one message made per format. Listener thread. */
    static void tellMembers(Channel channel, GapNotice notice) {
        Subscriber[] members = channel.members();
        if (members.length == 0) {
            return;
        }
        ArrayList<Format> formats = new ArrayList<>(2);
        ArrayList<Frame> frames = new ArrayList<>(2);
        for (Subscriber member : members) {
            Format format = member.format();
            int i = formats.indexOf(format);
            if (i < 0) {
                String message = format.gap(notice);
                formats.add(format);
                frames.add(message == null ? null : Frame.of(message));
                i = formats.size() - 1;
            }
            if (frames.get(i) != null) {
                member.outbox().offer(frames.get(i));
            }
        }
    }
}
