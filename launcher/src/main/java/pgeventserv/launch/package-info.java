/**
 * The {@code pg_eventserv} command: {@code java -jar target/pg_eventserv.jar} (and {@code scripts/pg_eventserv},
 * which builds it first). Not part of the WAR.
 *
 * <p>{@link pgeventserv.launch.Main} reads the command line and resolves every setting
 * ({@link pgeventserv.config.SettingValues}, the same precedence as inside the server) before anything starts, so a bad option, key, value, file or database
 * URL ends with one message and a documented exit code. {@link pgeventserv.launch.ServerProcess} then runs
 * Payara Micro as a child JVM (from its laid-out runtime, with the {@code --add-opens} its manifest declares and
 * a class archive: {@link pgeventserv.launch.ExplodedPayara}, {@link pgeventserv.launch.ClassArchive}) with:
 * <ul>
 * <li>{@code --contextroot BasePath}, so every route, the viewer included, is under it;</li>
 * <li>pre-boot asadmin commands binding both listeners to {@code HttpHost} (Micro has no option for it) and
 * turning off MicroProfile OpenAPI, which nothing here uses;</li>
 * <li>post-boot asadmin commands defining the {@code jdbc/eventserv} pool from the database settings;</li>
 * <li>for TLS, a PKCS#12 keystore made from the PEM files ({@link pgeventserv.launch.PemKeyStore}) with a
 * random per-run password, named through {@code --systemproperties} (a file in the run's owner-only
 * directory, so the password is not on a command line) and {@code --sslport}/{@code --sslcert};</li>
 * <li>the settings given to the launcher as system properties, and {@code --debug}, handed on the same way.</li>
 * </ul>
 *
 * <p>The jar nests Payara Micro, the driver and the WAR ({@link pgeventserv.launch.NestedRuntime}); the first
 * two are unpacked once into a cache named by their CRC (Payara laid out, beside the class archive its first
 * stop writes), the WAR into the run's directory, which is deleted when the server stops.
 */
package pgeventserv.launch;
