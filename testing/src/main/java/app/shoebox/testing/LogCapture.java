package app.shoebox.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * What a logger (and the loggers below it) writes while a test runs, through the real logging
 * back end: {@code try (LogCapture log = LogCapture.of("app.shoebox.server.pipeline")) { ... }}.
 * Lines read as {@code "WARN message"}, the message formatted with its arguments.
 */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final Level levelBefore;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(String name, Level level) {
        this.logger = (Logger) LoggerFactory.getLogger(name);
        this.levelBefore = logger.getLevel();
        if (!logger.isEnabledFor(level)) {
            logger.setLevel(level);
        }
        appender.setName("capture-" + name);
        appender.start();
        logger.addAppender(appender);
    }

    /** Captures {@code name} and the loggers below it, at INFO and above (or as configured, if lower). */
    public static LogCapture of(String name) {
        return new LogCapture(name, Level.INFO);
    }

    public static LogCapture of(Class<?> type) {
        return of(type.getName());
    }

    /** As {@link #of(String)}, with DEBUG enabled while capturing. */
    public static LogCapture debug(String name) {
        return new LogCapture(name, Level.DEBUG);
    }

    /** Every line so far, as {@code "LEVEL message"}. */
    public List<String> lines() {
        List<ILoggingEvent> events;
        // ListAppender appends under the appender's own lock.
        synchronized (appender) {
            events = new ArrayList<>(appender.list);
        }
        List<String> lines = new ArrayList<>(events.size());
        for (ILoggingEvent e : events) {
            lines.add(e.getLevel() + " " + e.getFormattedMessage());
        }
        return lines;
    }

    /** The lines that contain {@code text}. */
    public List<String> linesWith(String text) {
        return lines().stream().filter(l -> l.contains(text)).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
        logger.setLevel(levelBefore);
    }
}
