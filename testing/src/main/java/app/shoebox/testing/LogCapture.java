package app.shoebox.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * What a logger (and the loggers below it) writes while a test runs, through the real logging back
 * end, at {@code level} and above: {@code try (LogCapture log = LogCapture.of(UploadService.class)) {...}}.
 * Lines read as {@code "WARN message"}, the message formatted with its arguments.
 */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final Level previous;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(String name, Level level) {
        this.logger = (Logger) LoggerFactory.getLogger(name);
        this.previous = logger.getLevel();
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(level);
    }

    public static LogCapture of(String name, Level level) {
        return new LogCapture(name, level);
    }

    public static LogCapture of(Class<?> type, Level level) {
        return of(type.getName(), level);
    }

    /** At INFO and above. */
    public static LogCapture of(String name) {
        return of(name, Level.INFO);
    }

    /** At INFO and above. */
    public static LogCapture of(Class<?> type) {
        return of(type.getName());
    }

    /** Everything Shoebox logs. */
    public static LogCapture all(Level level) {
        return of("app.shoebox", level);
    }

    /** Every line so far, as {@code "LEVEL message"}. */
    public List<String> lines() {
        synchronized (appender) { // AppenderBase.doAppend holds the same lock
            return appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
        }
    }

    /** The lines that contain {@code text}. */
    public List<String> linesWith(String text) {
        return lines().stream().filter(l -> l.contains(text)).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
        logger.setLevel(previous);
    }
}
