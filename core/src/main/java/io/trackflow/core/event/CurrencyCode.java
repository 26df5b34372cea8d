package io.trackflow.core.event;

import java.util.Currency;

/** The ISO 4217 check shared by the revenue the collector accepts and the goals that read it. */
public final class CurrencyCode {

  private CurrencyCode() {}

  /** True for an upper-case three-letter code the JDK's ISO 4217 table knows. */
  public static boolean isValid(String code) {
    if (code == null || !code.matches("[A-Z]{3}")) {
      return false;
    }
    try {
      return Currency.getInstance(code).getCurrencyCode().equals(code);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
