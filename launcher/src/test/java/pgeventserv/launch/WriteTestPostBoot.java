package pgeventserv.launch;

import pgeventserv.config.ConnectionSettings;
import pgeventserv.config.DatabaseUrl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run by the build before the integration tests: writes the post-boot commands that give the test
 * Payara Micro its {@code jdbc/eventserv} pool, from the test database URL, through the same code
 * the run command uses.
 */
public final class WriteTestPostBoot {

    private WriteTestPostBoot() {
    }

    public static void main(String[] args) throws IOException {
        String url = args[1];
        ConnectionSettings db = DatabaseUrl.parse(url, System.getenv(), System.getProperty("user.name"));
        Path out = Path.of(args[0]);
        Files.createDirectories(out.getParent());
        Files.writeString(out, PostBootCommands.render(db, 4, 3600, false));
    }
}
