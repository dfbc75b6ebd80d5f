package pgeventserv.websocket;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpgradeReleaseTest {

    @Test
    void aSessionThatIsNotTyrusIsLeftAlone() {
        List<String> calls = new ArrayList<>();
        RemoteEndpoint.Async remote = (RemoteEndpoint.Async) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RemoteEndpoint.Async.class}, (proxy, method, args) -> {
                    calls.add("remote." + method.getName());
                    return null;
                });
        Session session = (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> {
                    calls.add(method.getName());
                    return method.getName().equals("getAsyncRemote") ? remote : null;
                });

        assertDoesNotThrow(() -> UpgradeRelease.after(session));
        assertDoesNotThrow(() -> UpgradeRelease.after(session));

        assertEquals(List.of("getAsyncRemote"), calls);
    }
}
