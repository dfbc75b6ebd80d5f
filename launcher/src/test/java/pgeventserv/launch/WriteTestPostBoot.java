package pgeventserv.launch;

import pgeventserv.config.ConnectionSettings;
import pgeventserv.config.DatabaseUrl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run by the build before the integration tests: writes the post-boot commands that give the test
 * Payara Micro its {@code jdbc/eventserv} pool, from the test database URL, through the same code
 * the run command uses; and, beside them in {@code pre-boot.asadmin}, the HTTP worker pool the run command
 * gives it for the default {@code MaxSessions} (src/test/resources/arquillian.xml reads both).
 */
public final class WriteTestPostBoot {

    private static final int DEFAULT_MAX_SESSIONS =
            Integer.parseInt(pgeventserv.config.Setting.MAX_SESSIONS.defaultValue().orElseThrow());

    private WriteTestPostBoot() {
    }

    public static void main(String[] args) throws IOException {
        String url = args[1];
        ConnectionSettings db = DatabaseUrl.parse(url, System.getenv(), System.getProperty("user.name"));
        Path out = Path.of(args[0]);
        Files.createDirectories(out.getParent());
        Files.writeString(out, PostBootCommands.render(db, 4, 3600, false));
        Files.writeString(out.resolveSibling("pre-boot.asadmin"), HttpThreadPool.render(DEFAULT_MAX_SESSIONS));
    }
}
