package pgeventserv.launch;

import java.util.List;

/**
 * The options of the server JVM: the {@code -X} and {@code -D} options this launcher's JVM was started with, so
 * that {@code JAVA_OPTS="-Xmx1g" scripts/pg_eventserv} sizes the server's heap, and a system property read by the
 * server itself before any configuration file is loaded (Grizzly's, say) reaches it in time. Debugger options
 * are left out: the server would try to open the same debug port.
 */
final class ServerJvmOptions {

    private ServerJvmOptions() {
    }

    static List<String> from(List<String> launcherArguments) {
        return launcherArguments.stream()
                .filter(a -> a.startsWith("-X") || a.startsWith("-D"))
                .filter(a -> !a.equals("-Xdebug") && !a.startsWith("-Xrunjdwp"))
                .toList();
    }
}
