package pgeventserv.listen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A held-back 101: sent once opened and due, in either order, then attached; never once the connection is gone. */
class UnsentUpgradeTest {

    private final List<String> happened = new CopyOnWriteArrayList<>();
    private final UnsentUpgrade unsent = new UnsentUpgrade(() -> happened.add("101"), 0);

    @Test
    void openedThenDueSendsThe101ThenAttaches() {
        unsent.opened(() -> happened.add("attach"));
        assertEquals(List.of(), happened, "nothing before its LISTEN");
        unsent.due();
        assertEquals(List.of("101", "attach"), happened);
        assertEquals(UnsentUpgrade.State.SENT, unsent.state());
    }

    @Test
    void dueThenOpenedSendsThe101ThenAttaches() {
        unsent.due();
        assertEquals(List.of(), happened, "nothing before the session opened");
        unsent.opened(() -> happened.add("attach"));
        assertEquals(List.of("101", "attach"), happened);
    }

    @Test
    void theUpgradeIsSentOnceHoweverOftenItIsDue() {
        unsent.opened(() -> happened.add("attach"));
        unsent.due();
        unsent.due();
        assertEquals(List.of("101", "attach"), happened);
    }

    @Test
    void aConnectionGoneBeforeItsUpgradeNeverHasItsResponseTouched() {
        unsent.opened(() -> happened.add("attach"));
        unsent.gone();
        unsent.due();
        assertEquals(List.of(), happened);
        assertEquals(UnsentUpgrade.State.GONE, unsent.state());
    }

    @Test
    void aConnectionGoneAfterItsUpgradeChangesNothing() {
        unsent.opened(() -> happened.add("attach"));
        unsent.due();
        unsent.gone();
        assertEquals(UnsentUpgrade.State.SENT, unsent.state());
    }

    @Test
    void anUpgradeThatCannotBeSentAttachesNothing() {
        UnsentUpgrade failing = new UnsentUpgrade(() -> {
            throw new IOException("connection reset");
        }, 0);
        failing.opened(() -> happened.add("attach"));
        failing.due();
        assertEquals(List.of(), happened);
        assertEquals(UnsentUpgrade.State.GONE, failing.state());
    }

    @Test
    void theConnectionsCloseWaitsForASendUnderWay() throws Exception {
        CountDownLatch sending = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        UnsentUpgrade slow = new UnsentUpgrade(() -> {
            sending.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            happened.add("101");
        }, 0);
        slow.opened(() -> happened.add("attach"));
        Thread sender = new Thread(slow::due);
        sender.start();
        assertTrue(sending.await(10, TimeUnit.SECONDS));
        Thread closer = new Thread(() -> {
            slow.gone();
            happened.add("closed");
        });
        closer.start();
        while (closer.getState() != Thread.State.BLOCKED) {
            Thread.onSpinWait();
        }
        release.countDown();
        sender.join();
        closer.join();
        assertEquals("101", happened.get(0), "the send finished before the close went on: " + happened);
        assertTrue(happened.containsAll(List.of("attach", "closed")), happened.toString());
        assertEquals(UnsentUpgrade.State.SENT, slow.state());
    }
}
