package io.trackflow.collector.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Collects whatever is logged at ERROR level while attached (Vert.x logs through SLF4J too): a
 * hostile request must never make the server log an error, which an attacker could repeat to
 * flood the logs.
 */
final class ErrorLog extends AppenderBase<ILoggingEvent> {

  private final List<Throwable> into;

  private ErrorLog(List<Throwable> into) {
    this.into = into;
  }

  static ErrorLog attach(List<Throwable> into) {
    ErrorLog log = new ErrorLog(into);
    log.setName("error-log");
    log.start();
    root().addAppender(log);
    return log;
  }

  void detach() {
    root().detachAppender(this);
    stop();
  }

  @Override
  protected void append(ILoggingEvent event) {
    if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
      Throwable logged = event.getThrowableProxy() instanceof ThrowableProxy proxy ? proxy.getThrowable() : null;
      AssertionError error = new AssertionError("logged at ERROR by " + event.getLoggerName() + ": "
          + event.getFormattedMessage(), logged);
      into.add(error);
    }
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }
}
