package io.trackflow.testsupport;

import java.util.List;

/** Thrown when a service's executable is not installed; the message names the Debian package. */
public final class MissingServiceBinaryException extends IllegalStateException {

  private final String debianPackage;

  MissingServiceBinaryException(String what, List<String> lookedFor, String debianPackage) {
    super(what + " not found (looked for " + String.join(", ", lookedFor) + "). Install the Debian"
        + " package '" + debianPackage + "': apt-get install -y " + debianPackage);
    this.debianPackage = debianPackage;
  }

  /** The Debian package that provides the missing executable. */
  public String debianPackage() {
    return debianPackage;
  }
}
