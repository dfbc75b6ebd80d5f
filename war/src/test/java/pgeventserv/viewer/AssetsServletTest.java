package pgeventserv.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AssetsServletTest {

    @TempDir
    Path parent;

    @Test
    void filesInTheDirectoryAreFoundByTheirPath() throws IOException {
        Path assets = Files.createDirectories(parent.resolve("assets/js"));
        Path script = Files.writeString(assets.resolve("app.js"), "");
        assertEquals(Optional.of(script), AssetsServlet.find(parent.resolve("assets"), "/js/app.js"));
    }

    @Test
    void nothingOutsideTheDirectoryNorHiddenNorADirectoryIsServed() throws IOException {
        Path assets = Files.createDirectories(parent.resolve("assets/sub"));
        Files.writeString(parent.resolve("secret.txt"), "");
        Files.writeString(assets.resolve(".env"), "");
        Files.createDirectories(assets.resolve(".git"));
        Files.writeString(assets.resolve(".git/config"), "");
        Path root = parent.resolve("assets");
        assertEquals(Optional.empty(), AssetsServlet.find(root, "/../secret.txt"));
        assertEquals(Optional.empty(), AssetsServlet.find(root, "/sub/../../secret.txt"));
        assertEquals(Optional.empty(), AssetsServlet.find(root, "/.env"));
        assertEquals(Optional.empty(), AssetsServlet.find(root, "/.git/config"));
        assertEquals(Optional.empty(), AssetsServlet.find(root, "/sub"));
        assertEquals(Optional.empty(), AssetsServlet.find(root, "/"));
        assertEquals(Optional.empty(), AssetsServlet.find(root, "/missing.js"));
    }
}
