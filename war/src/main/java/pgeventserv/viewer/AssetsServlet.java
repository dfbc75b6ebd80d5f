package pgeventserv.viewer;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import pgeventserv.access.OriginPolicy;
/**
 * The files of {@code AssetsPath} at the root ({@code /app.js} is {@code AssetsPath/app.js}), so a custom
 * viewer page can bring its scripts and styles. Without {@code AssetsPath}, and for anything not in it, 404.
 * Nothing outside the directory and no hidden file is ever served, not even through a symbolic link that leads out
 * of it.
 */
@WebServlet(urlPatterns = "/")
public class AssetsServlet extends HttpServlet {

    @Inject
    OriginPolicy origins;

    @Inject
    @ConfigProperty(name = "AssetsPath")
    Optional<String> assetsPath;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<Path> file = assetsPath.flatMap(dir -> find(Path.of(dir), request.getServletPath()));
        if (file.isEmpty()) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        String type = getServletContext().getMimeType(file.get().getFileName().toString());
        response.setContentType(type == null ? "application/octet-stream" : type);
        response.setContentLengthLong(Files.size(file.get()));
        origins.allowOriginHeader(request.getHeader("Origin")).ifPresent(o -> response.setHeader("Access-Control-Allow-Origin", o));
        Files.copy(file.get(), response.getOutputStream());
    }

    static Optional<Path> find(Path directory, String requestPath) {
        Path root = directory.toAbsolutePath().normalize();
        Path file = root.resolve(requestPath.replaceFirst("^/+", "")).normalize();
        if (!file.startsWith(root) || file.equals(root) || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        for (Path part : root.relativize(file)) {
            if (part.toString().startsWith(".")) {
                return Optional.empty();
            }
        }
        try {
            if (!file.toRealPath().startsWith(root.toRealPath())) {
                return Optional.empty();
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.of(file);
    }
}
