package pgeventserv;

import java.io.File;
import java.net.URI;
import java.net.URL;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The WAR the build made, deployed as is: named ROOT.war so Payara serves it at the root context. */
public final class Deployments {

    private Deployments() {
    }

    public static WebArchive builtWar() {
        return builtWarAt("ROOT");
    }

    /** The built WAR served at the context root {@code /name/}, as an operator may deploy it. */
    public static WebArchive builtWarAt(String name) {
        WebArchive built = ShrinkWrap.createFromZipFile(WebArchive.class, new File("target/pg_eventserv.war"));
        return ShrinkWrap.create(WebArchive.class, name + ".war").merge(built);
    }

    /** Tests talk to the server on loopback only, whatever host name the container reports. */
    public static URI listenUri(URL base, String channel) {
        return URI.create("ws://127.0.0.1:" + base.getPort() + "/listen/" + encodeSegment(channel));
    }

    /** Percent-encodes everything outside the unreserved set, as a browser's encodeURIComponent would. */
    public static String encodeSegment(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-_.~".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }
}
