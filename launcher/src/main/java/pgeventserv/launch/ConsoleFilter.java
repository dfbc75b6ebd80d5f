package pgeventserv.launch;

import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * What the console shows without {@code --debug}: the application's own messages (INFO and up: started, the
 * LISTEN connection up, lost and back) and anything else at WARNING or worse, which is what may ask the operator
 * to act. Payara's boot chatter (INFO) goes to the log file only. Loaded by the server JVM's system class loader,
 * like {@link LogLineFormatter}, so it uses nothing but the JDK.
 */
public class ConsoleFilter implements Filter {

    static final String APPLICATION = "pgeventserv";

    @Override
    public boolean isLoggable(LogRecord record) {
        int level = record.getLevel().intValue();
        if (level >= Level.WARNING.intValue()) {
            return true;
        }
        String logger = record.getLoggerName();
        return level >= Level.INFO.intValue() && logger != null
                && (logger.equals(APPLICATION) || logger.startsWith(APPLICATION + "."));
    }
}
