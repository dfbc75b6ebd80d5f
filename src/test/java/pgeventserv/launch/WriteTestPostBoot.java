package pgeventserv.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the post-boot commands that give a test Payara Micro its {@code jdbc/eventserv} pool, from a test
 * database URL, through the same code the run command uses. Run by the build before the integration tests
 * (for the Arquillian container), and by tests that start a server of their own.
 */
public final class WriteTestPostBoot {

    private WriteTestPostBoot() {
    }

    public static void main(String[] args) throws IOException {
        write(Path.of(args[0]), args[1]);
    }

    public static void write(Path out, String databaseUrl) throws IOException {
        ConnectionSettings db = DatabaseUrl.parse(databaseUrl, System.getenv(), System.getProperty("user.name"));
        Files.createDirectories(out.getParent());
        Files.writeString(out, PostBootCommands.render(db, 4, 3600));
    }
}
