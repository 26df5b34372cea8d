package io.trackflow.testsupport;

/** Thrown when a real service fails to start; the message carries the tail of its log. */
public final class ServiceStartException extends IllegalStateException {

  ServiceStartException(String message) {
    super(message);
  }

  ServiceStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
