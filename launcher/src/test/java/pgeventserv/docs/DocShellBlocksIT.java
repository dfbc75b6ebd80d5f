package pgeventserv.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import pgeventserv.LaunchedServer;
import pgeventserv.TestDatabase;

/**
 * The shell blocks of docs/ marked {@code <!-- runs in scripts/test -->} work as written: each runs in bash
 * (errexit, pipefail) from the repository's root against {@code pg_eventserv.jar} on a free loopback port, which
 * replaces the documented {@code localhost:7700}, with {@code DATABASE_URL} the test database's, and must exit 0
 * within 60 s. The war's ShellBlocksTest makes sure every other shell block says why it is not run.
 */
class DocShellBlocksIT {

    private static final String RUNS = "<!-- runs in scripts/test -->";
    private static final long TIMEOUT_SECONDS = 60;

    private static LaunchedServer server;

    @BeforeAll
    static void start() throws Exception {
        server = LaunchedServer.onLoopback("doc-shell-blocks", TestDatabase.URL, Map.of());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyShellBlockMarkedAsRunExitsZeroAgainstARunningServer() throws IOException {
        List<Block> blocks = markedBlocks();
        assertFalse(blocks.isEmpty(), "no block in docs/ is marked " + RUNS);
        String hostPort = server.base().getHost() + ":" + server.base().getPort();
        return blocks.stream().map(block -> DynamicTest.dynamicTest(block.where, () -> {
            String script = block.text.replace("localhost:7700", hostPort).replace("127.0.0.1:7700", hostPort);
            run(block.where, script);
        }));
    }

    private static void run(String where, String script) throws Exception {
        Path output = Files.createTempFile("doc-shell-block", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder("bash", "-e", "-o", "pipefail", "-c", script)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().put("DATABASE_URL", TestDatabase.URL);
            Process bash = builder.start();
            bash.getOutputStream().close();
            boolean ended = bash.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!ended) {
                bash.descendants().forEach(ProcessHandle::destroyForcibly);
                bash.destroyForcibly();
            }
            String printed = Files.readString(output, StandardCharsets.UTF_8);
            assertTrue(ended, where + " did not end within " + TIMEOUT_SECONDS + " s; it printed:\n" + printed);
            assertEquals(0, bash.exitValue(), where + " failed:\n" + script + "\nit printed:\n" + printed);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** The blocks right after the marker, each named by its page and the line of its fence. */
    private static List<Block> markedBlocks() throws IOException {
        List<Path> pages;
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            pages = docs.filter(p -> p.toString().endsWith(".md")).sorted().collect(Collectors.toList());
        }
        List<Block> blocks = new ArrayList<>();
        for (Path page : pages) {
            List<String> lines = Files.readAllLines(page);
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (!lines.get(i).strip().equals(RUNS)) {
                    continue;
                }
                StringBuilder text = new StringBuilder();
                int j = i + 2;
                for (; j < lines.size() && !lines.get(j).strip().startsWith("```"); j++) {
                    text.append(lines.get(j)).append('\n');
                }
                blocks.add(new Block(page + ":" + (i + 2), text.toString()));
                i = j;
            }
        }
        return blocks;
    }

    private record Block(String where, String text) {
    }
}
