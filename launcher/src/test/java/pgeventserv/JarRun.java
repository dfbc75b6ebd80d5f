package pgeventserv;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of {@code pg_eventserv.jar} with options that end it ({@code --install-sql}, {@code --print-sql}): its exit
 * status and what it printed, standard output and error together. Made and read on the test's thread.
 */
public record JarRun(int exit, String output) {

    /**
     * Runs {@code java -jar target/pg_eventserv.jar args} with this environment added to the test's (the launcher's
     * cache under target/) and waits at most 60 s for it to end.
     */
    public static JarRun of(Map<String, String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target/pg_eventserv.jar").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("XDG_CACHE_HOME", Path.of("target/launcher-cache").toAbsolutePath().toString());
        builder.environment().putAll(environment);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new JarRun(p.exitValue(), out);
    }
}
