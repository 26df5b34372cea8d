package io.trackflow.core.queue;

/** The queue cannot take events now; beacons answer 503 with Retry-After. */
public class QueueUnavailableException extends RuntimeException {
  public QueueUnavailableException(String message) {
    super(message, null, false, false);
  }

  public QueueUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
