package pgeventserv.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import pgeventserv.Browser;
import pgeventserv.LaunchedServer;
import pgeventserv.TestDatabase;

/**
 * The clients in examples/ work as their comments say: each is started as a user would start it, against
 * {@code pg_eventserv.jar} serving examples/ as its {@code AssetsPath}, and fed by the psql publisher.
 */
class ExamplesIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path EXAMPLES = Path.of("examples");

    private static LaunchedServer server;

    @BeforeAll
    static void start() throws Exception {
        server = LaunchedServer.onLoopback("examples", TestDatabase.URL,
                Map.of("AssetsPath", EXAMPLES.toAbsolutePath().toString()));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void thePythonClientPrintsEveryPublishedNotificationWithItsId() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_examples_py");
        try (Client python = Client.start(List.of("python3", EXAMPLES.resolve("sse_client.py").toString(),
                server.base() + "listen/" + channel))) {
            python.awaitLine("open");
            publish(channel, 3);
            List<String> events = python.linesUntilExit();
            assertEquals(3, events.size(), "three events, then EXIT_AFTER ends it: " + events);
            for (int n = 1; n <= 3; n++) {
                String event = events.get(n - 1);
                assertTrue(event.matches("\\S+ \\{\"n\" : " + n + ", \"at\" : .*"), "an id, then payload " + n + ": " + event);
            }
        }
    }

    @Test
    void theNodeClientHearsSeveralChannelsOnOneMultiplexedSocket() throws Exception {
        String first = TestDatabase.uniqueChannel("it_examples_node");
        String second = TestDatabase.uniqueChannel("it_examples_node");
        List<String> node = new ArrayList<>(List.of("node"));
        if (nodeMajorVersion() < 22) {
            node.add("--experimental-websocket");
        }
        node.addAll(List.of(EXAMPLES.resolve("multiplexed.js").toString(),
                server.base().toString().replace("http:", "ws:") + "listen", first, second));
        try (Client client = Client.start(node)) {
            client.awaitLine("subscribed " + first);
            client.awaitLine("subscribed " + second);
            publish(first, 2);
            publish(second, 1);
            List<String> lines = client.linesUntilExit();
            assertEquals(3, lines.size(), "three notifications, then EXIT_AFTER ends it: " + lines);
            assertTrue(lines.get(0).matches(Pattern.quote(first) + " \\S+ \\{\"n\" : 1, \"at\" : .*"),
                    "channel, id, payload: " + lines.get(0));
            assertTrue(lines.get(2).startsWith(second + " "), "the second channel on the same socket: " + lines);
        }
    }

    @Test
    void theBrowserPageShowsNotificationsAndAGapWhenItCannotResume() throws Exception {
        String channel = TestDatabase.uniqueChannel("it_examples_page");
        try (Browser browser = Browser.start()) {
            // An id from no run of this server: it cannot prove nothing was missed, so a gap comes first.
            browser.driver().get(server.base() + "browser.html?channel=" + channel + "&lastEventId=elsewhere.7");
            browser.await(WAIT, d -> "open".equals(d.findElement(By.id("status")).getText()));
            publish(channel, 2);
            List<String> shown = browser.await(WAIT, d -> {
                List<String> items = d.findElements(By.cssSelector("#events li")).stream()
                        .map(WebElement::getText).collect(Collectors.toList());
                return items.size() == 3 ? items : null;
            });
            browser.screenshot("examples-browser");
            assertTrue(shown.get(0).contains("{\"n\" : 2"), "newest first: " + shown);
            assertTrue(shown.get(1).contains("{\"n\" : 1"), shown.toString());
            assertTrue(shown.get(2).contains("gap (unknown)"), "the gap before anything newer: " + shown);
            assertEquals("gap", browser.driver().findElements(By.cssSelector("#events li")).get(2).getAttribute("class"));
        }
    }

    /** examples/publish.sh: COUNT notifications on the channel, as its comment says to run it. */
    private static void publish(String channel, int count) throws Exception {
        Process publisher = new ProcessBuilder(EXAMPLES.resolve("publish.sh").toString(), channel,
                Integer.toString(count), "0.1")
                .redirectErrorStream(true)
                .start();
        publisher.getOutputStream().close();
        String output = new String(publisher.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(publisher.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "publish.sh did not end");
        assertEquals(0, publisher.exitValue(), "publish.sh failed: " + output);
        assertEquals("", output, "publish.sh prints nothing when all is well");
    }

    private static int nodeMajorVersion() throws Exception {
        Process version = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
        String v = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        version.waitFor();
        if (!v.matches("v\\d+\\..*")) {
            fail("the Node example needs node on the PATH (`apt-get install nodejs`): " + v);
        }
        return Integer.parseInt(v.substring(1, v.indexOf('.')));
    }

    /** An example client run as a process, its output read line by line; {@code EXIT_AFTER=3} ends it. */
    private static final class Client implements AutoCloseable {

        private final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final List<String> seen = new ArrayList<>();
        private final Thread reader;

        private Client(Process process) {
            this.process = process;
            reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    lines.add("(output failed: " + e + ")");
                }
            }, "example-output");
            reader.setDaemon(true);
            reader.start();
        }

        static Client start(List<String> command) throws IOException {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("EXIT_AFTER", "3");
            return new Client(builder.start());
        }

        void awaitLine(String expected) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null) {
                    seen.add(line);
                    if (line.equals(expected)) {
                        return;
                    }
                }
            }
            fail("no line '" + expected + "' within " + WAIT.toSeconds() + " s; the client printed " + seen);
        }

        /** The lines printed after those awaited, once the client has exited by itself with status 0. */
        List<String> linesUntilExit() throws InterruptedException {
            if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                fail("the client did not exit after its notifications; it printed " + seen + " then " + lines);
            }
            // The reader ends at the output's end, which follows the exit: then every line is in the queue.
            reader.join(WAIT.toMillis());
            List<String> rest = new ArrayList<>();
            lines.drainTo(rest);
            assertEquals(0, process.exitValue(), "exit status; it printed " + seen + " then " + rest);
            return rest;
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }
}
