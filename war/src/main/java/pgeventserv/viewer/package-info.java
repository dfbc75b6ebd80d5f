/**
 * The viewer page at the root. {@link pgeventserv.viewer.ViewerServlet} fills the page's one settings object
 * ({@code {"channels": [patterns], "urlBase": null or URL}}) and nothing else is server-side. The page
 * ({@code WEB-INF/viewer/index.html}, plain HTML/CSS/JS, nothing fetched from elsewhere) builds every URL relative
 * to itself, so it works at any context root; {@code urlBase}, when set, is the public URL of the page's directory
 * (BasePath included). A browser reports a refused handshake only as close code 1006, so the page then asks the
 * same URL over plain HTTP and shows the 400/403 text. Its memory is bounded: the last 500 messages.
 * {@link pgeventserv.viewer.AssetsServlet} serves {@code AssetsPath} when one is set.
 */
package pgeventserv.viewer;
