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

    @Test
    void aSymbolicLinkThatLeadsOutOfTheDirectoryIsNotFollowed() throws IOException {
        Path assets = Files.createDirectories(parent.resolve("assets"));
        Path outside = Files.createDirectories(parent.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "");
        Files.createSymbolicLink(assets.resolve("leak.txt"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(assets.resolve("out"), outside);
        Path inside = Files.writeString(assets.resolve("app.js"), "");
        Files.createSymbolicLink(assets.resolve("alias.js"), inside);
        assertEquals(Optional.empty(), AssetsServlet.find(assets, "/leak.txt"));
        assertEquals(Optional.empty(), AssetsServlet.find(assets, "/out/secret.txt"));
        assertEquals(Optional.of(assets.resolve("alias.js")), AssetsServlet.find(assets, "/alias.js"),
                "a link that stays inside is served");
    }
}
