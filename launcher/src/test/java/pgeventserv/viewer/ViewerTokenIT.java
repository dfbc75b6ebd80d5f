package pgeventserv.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import pgeventserv.Browser;
import pgeventserv.LaunchedServer;
import pgeventserv.TestDatabase;

/** The viewer on a server that asks for tokens: a pasted token goes in the session's first message. */
class ViewerTokenIT {

    private static final String SECRET = "viewer-test-secret-of-at-least-32-bytes";

    private static String token(String... channels) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setSubject("viewer");
        NumericDate exp = NumericDate.now();
        exp.addSeconds(3600);
        claims.setExpirationTime(exp);
        claims.setStringListClaim("channels", List.of(channels));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue("HS256");
        jws.setKey(new HmacKey(SECRET.getBytes(StandardCharsets.UTF_8)));
        return jws.getCompactSerialization();
    }

    @Test
    void aPastedTokenOpensTheChannelsItCoversAndNoOther() throws Exception {
        String covered = TestDatabase.uniqueChannel("it_vtok");
        String other = TestDatabase.uniqueChannel("it_vother");
        try (LaunchedServer server = LaunchedServer.onLoopback("viewer-token", TestDatabase.URL,
                     Map.of("Channels", "it*", "JwtSecret", SECRET));
             Browser browser = Browser.start();
             TestDatabase db = new TestDatabase()) {
            ViewerPage viewer = new ViewerPage(browser).open(server.base() + "");
            WebElement tokenField = browser.driver().findElement(By.id("token"));
            tokenField.sendKeys(token(covered), Keys.ENTER);
            assertEquals("", tokenField.getDomProperty("value"), "the field does not keep the token");
            viewer.listen(covered + " " + other);
            viewer.awaitState(covered, "open");
            WebElement refused = viewer.awaitState(other, "refused");
            assertEquals("403", ViewerPage.detail(refused).substring(0, 3), ViewerPage.detail(refused));
            db.notify(covered, "for the token's holder");
            String shown = browser.await(Duration.ofSeconds(20), d -> viewer.messages().isEmpty() ? null
                    : viewer.messages().get(0).payload());
            assertEquals("for the token's holder", shown);
            assertFalse(browser.driver().getCurrentUrl().contains("ey"), "the token is not in the address");
            Object stored = browser.script("return JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie;");
            assertFalse(String.valueOf(stored).contains("ey"), "nor stored anywhere: " + stored);
        }
    }
}
