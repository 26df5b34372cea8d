package io.trackflow.query.site;

import java.time.ZoneId;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** What a site's domain, time zone and a user's email may look like. */
public final class SiteValidation {

  private static final Pattern HOST = Pattern.compile(
      "^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$");
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+$");
  /** Region ids (Europe/Berlin) and UTC; no raw offsets or legacy SystemV aliases. */
  private static final Set<String> ZONES = ZoneId.getAvailableZoneIds().stream()
      .filter(z -> z.contains("/") && !z.startsWith("SystemV/") || z.equals("UTC"))
      .collect(Collectors.toUnmodifiableSet());

  private SiteValidation() {}

  /** The lower-cased host name, or null when it is not one. */
  public static String domain(String input) {
    if (input == null) {
      return null;
    }
    String d = input.trim().toLowerCase(Locale.ROOT);
    return HOST.matcher(d).matches() ? d : null;
  }

  public static boolean timezone(String zone) {
    return zone != null && ZONES.contains(zone);
  }

  public static String email(String input) {
    if (input == null) {
      return null;
    }
    String e = input.trim().toLowerCase(Locale.ROOT);
    return e.length() <= 254 && EMAIL.matcher(e).matches() ? e : null;
  }
}
