package io.trackflow.query.account;

/** A write would break a uniqueness rule (an email or domain that already exists). */
public final class AccountConflictException extends RuntimeException {

  public AccountConflictException(String message) {
    super(message, null, false, false);
  }
}
