package pgeventserv.viewer;

import jakarta.inject.Inject;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import pgeventserv.access.ChannelPolicy;
import pgeventserv.access.OriginPolicy;
/**
 * The viewer page at {@code /} and {@code /index.html}. The page is static except for its settings
 * (the allowed patterns and the public base URL), written into it as JSON once at startup.
 * {@code AssetsPath/index.html}, when there is one, replaces the built-in page (its settings placeholder,
 * if it has one, is filled in the same way).
 */
@WebServlet(urlPatterns = {"", "/index.html"})
public class ViewerServlet extends HttpServlet {

    private static final Logger LOG = Logger.getLogger(ViewerServlet.class.getName());

    static final String PAGE = "/WEB-INF/viewer/index.html";
    static final String SETTINGS_PLACEHOLDER = "/*SETTINGS*/{}";

    @Inject
    ChannelPolicy policy;

    @Inject
    OriginPolicy origins;

    @Inject
    @ConfigProperty(name = "UrlBase")
    Optional<String> urlBase;

    @Inject
    @ConfigProperty(name = "AssetsPath")
    Optional<String> assetsPath;

    private byte[] page;

    @Override
    public void init() throws ServletException {
        // The original's default, "./assets", is in many copied files and names nothing here: say so once and
        // serve the built-in page, rather than refuse to start.
        assetsPath.filter(dir -> !Files.isDirectory(Path.of(dir))).ifPresent(dir -> LOG.warning(() -> "AssetsPath "
                + dir + " is not a directory (" + Path.of(dir).toAbsolutePath() + "): serving the built-in viewer"));
        Optional<Path> custom = assetsPath.map(dir -> Path.of(dir, "index.html")).filter(Files::isRegularFile);
        try (InputStream in = custom.isPresent() ? Files.newInputStream(custom.get()) : getServletContext().getResourceAsStream(PAGE)) {
            if (in == null) {
                throw new ServletException("the viewer page " + PAGE + " is missing from the application");
            }
            String html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            page = html.replace(SETTINGS_PLACEHOLDER, settingsJson()).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ServletException("reading the viewer page " + custom.map(Path::toString).orElse(PAGE), e);
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/html;charset=UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        origins.allowOriginHeader(request.getHeader("Origin")).ifPresent(o -> response.setHeader("Access-Control-Allow-Origin", o));
        response.setContentLength(page.length);
        response.getOutputStream().write(page);
    }

    private String settingsJson() {
        String patterns = policy.patterns().stream().map(ViewerServlet::jsonString).collect(Collectors.joining(",", "[", "]"));
        return "{\"channels\":" + patterns + ",\"urlBase\":" + urlBase.map(ViewerServlet::jsonString).orElse("null") + "}";
    }

    /** A JSON string literal that is also safe inside a script element. */
    static String jsonString(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '<' -> out.append("\\u003c");
                case '>' -> out.append("\\u003e");
                case '&' -> out.append("\\u0026");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
