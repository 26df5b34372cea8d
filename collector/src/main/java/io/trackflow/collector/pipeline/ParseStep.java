package io.trackflow.collector.pipeline;

import io.trackflow.core.event.CurrencyCode;
import io.trackflow.core.event.Event;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the raw values into typed fields, rejecting values of the wrong type. Accepts what
 * Plausible's script and Events API send: numbers as JSON numbers or strings, flags as booleans
 * or 1/0, props as an object or a JSON string.
 */
public final class ParseStep implements Step {

  @Override
  public String name() {
    return "parse";
  }

  @Override
  public DropReason apply(Hit hit) {
    RawHit raw = hit.raw;
    if (raw.name() == null) {
      hit.name = Event.PAGEVIEW;
    } else if (raw.name() instanceof String s && !s.isBlank()) {
      hit.name = s.trim();
    } else {
      return DropReason.INVALID_NAME;
    }
    if (raw.url() != null) {
      if (!(raw.url() instanceof String s)) {
        return DropReason.INVALID_URL;
      }
      hit.url = s.trim();
    }
    if (raw.domain() != null) {
      if (!(raw.domain() instanceof String s)) {
        return DropReason.INVALID_DOMAIN;
      }
      hit.domain = s.trim();
    }
    if (raw.referrer() == null) {
      hit.referrer = "";
    } else if (raw.referrer() instanceof String s) {
      hit.referrer = s.trim();
    } else {
      return DropReason.INVALID_REFERRER;
    }
    DropReason props = props(hit, raw.props());
    if (props != null) {
      return props;
    }
    if (raw.screenWidth() != null) {
      Long w = wholeNumber(raw.screenWidth());
      if (w == null || w < 0 || w > Integer.MAX_VALUE) {
        return DropReason.INVALID_SCREEN_WIDTH;
      }
      hit.screenWidth = w.intValue();
    }
    if (raw.id() != null) {
      if (raw.id() instanceof String s) {
        hit.clientId = s.isBlank() ? null : s;
      } else if (raw.id() instanceof Number n) {
        hit.clientId = n.toString();
      } else {
        return DropReason.INVALID_ID;
      }
    }
    Boolean hash = flag(raw.hashRouting(), false);
    Boolean interactive = flag(raw.interactive(), true);
    if (hash == null || interactive == null) {
      return DropReason.INVALID_FLAG;
    }
    hit.hashRouting = hash;
    hit.interactive = interactive;
    if (raw.timestamp() != null) {
      Long ts = wholeNumber(raw.timestamp());
      if (ts == null) {
        return DropReason.INVALID_TIMESTAMP;
      }
      hit.clientTimestamp = ts;
    }
    if (raw.revenue() != null && !revenue(hit, raw.revenue())) {
      return DropReason.INVALID_REVENUE;
    }
    if (hit.isEngagement()) {
      Long sd = raw.scrollDepth() == null ? Long.valueOf(0) : wholeNumber(raw.scrollDepth());
      Long e = raw.engagedMillis() == null ? Long.valueOf(0) : wholeNumber(raw.engagedMillis());
      if (sd == null || e == null || sd < 0 || sd > 100 || e < 0) {
        return DropReason.INVALID_ENGAGEMENT;
      }
      hit.scrollDepth = sd.intValue();
      hit.engagedMillis = e;
      hit.interactive = false; // engagement pings never decide bounce
    }
    return null;
  }

  /**
   * Largest revenue amount accepted, either sign: its millionths fit a long (the stores sum them
   * exactly beyond that), and no real payment comes near it.
   */
  static final BigDecimal MAX_REVENUE = new BigDecimal("1000000000000");

  /**
   * Reads Plausible's revenue object (or its JSON text, as the pixel carries it) on a custom
   * event: the amount as an exact decimal (a JSON number or numeric string), rounded half-up to
   * millionths, and the currency's ISO 4217 code (any case). False when anything is off.
   */
  static boolean revenue(Hit hit, Object value) {
    if (hit.name.equals(Event.PAGEVIEW) || hit.isEngagement()) {
      return false;
    }
    Object decoded = value;
    if (value instanceof String s) {
      try {
        decoded = Json.decodeValue(s);
      } catch (DecodeException e) {
        return false;
      }
    }
    if (decoded instanceof Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) m;
      decoded = new JsonObject(map);
    }
    if (!(decoded instanceof JsonObject o) || o.size() != 2) {
      return false;
    }
    BigDecimal amount = decimal(o.getValue("amount"));
    String currency = o.getValue("currency") instanceof String c ? c.trim().toUpperCase(Locale.ROOT) : null;
    if (amount == null || amount.abs().compareTo(MAX_REVENUE) > 0 || currency == null || !CurrencyCode.isValid(currency)) {
      return false;
    }
    hit.revenueMicros = amount.setScale(6, RoundingMode.HALF_UP).unscaledValue().longValueExact();
    hit.revenueCurrency = currency;
    return true;
  }

  private static BigDecimal decimal(Object v) {
    try {
      if (v instanceof Number n && !(v instanceof Double d && !Double.isFinite(d))) {
        // A double's shortest text is the decimal the sender wrote (49.9, not 49.899…).
        return new BigDecimal(n.toString());
      }
      if (v instanceof String s && !s.isBlank() && s.length() <= 40) {
        return new BigDecimal(s.trim());
      }
    } catch (NumberFormatException e) {
      return null;
    }
    return null;
  }

  private static DropReason props(Hit hit, Object value) {
    JsonObject object;
    if (value == null) {
      return null;
    } else if (value instanceof JsonObject o) {
      object = o;
    } else if (value instanceof Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) m;
      object = new JsonObject(map);
    } else if (value instanceof String s) {
      if (s.isBlank()) {
        return null;
      }
      try {
        Object decoded = Json.decodeValue(s);
        if (!(decoded instanceof JsonObject o)) {
          return DropReason.INVALID_PROPS;
        }
        object = o;
      } catch (DecodeException e) {
        return DropReason.INVALID_PROPS;
      }
    } else {
      return DropReason.INVALID_PROPS;
    }
    List<String> keys = new ArrayList<>(object.size());
    List<String> values = new ArrayList<>(object.size());
    for (Map.Entry<String, Object> e : object) {
      Object v = e.getValue();
      if (v == null) {
        continue; // an unset prop is simply absent
      }
      if (v instanceof JsonObject || v instanceof JsonArray || v instanceof Map || v instanceof List) {
        return DropReason.INVALID_PROPS;
      }
      String scalar = scalar(v);
      if (e.getKey().isEmpty() || scalar == null) {
        return DropReason.INVALID_PROPS;
      }
      keys.add(e.getKey());
      values.add(scalar);
    }
    hit.propKeys = keys;
    hit.propValues = values;
    return null;
  }

  /** A prop value as text, or null for a number no double holds (JSON's 1e400 reads as infinite). */
  private static String scalar(Object v) {
    if (v instanceof Double || v instanceof Float) {
      if (!Double.isFinite(((Number) v).doubleValue())) {
        return null;
      }
      BigDecimal d = new BigDecimal(v.toString()).stripTrailingZeros();
      return d.scale() <= 0 ? d.toBigInteger().toString() : d.toPlainString();
    }
    return v.toString();
  }

  /** A whole number from a JSON number or a numeric string, or null. */
  static Long wholeNumber(Object v) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Number n) {
      double d = n.doubleValue();
      return Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 9.0e15 ? (long) d : null;
    }
    if (v instanceof String s) {
      String t = s.trim();
      if (t.isEmpty() || t.length() > 19) {
        return null;
      }
      try {
        return Long.parseLong(t);
      } catch (NumberFormatException e) {
        try {
          return wholeNumber(Double.parseDouble(t));
        } catch (NumberFormatException e2) {
          return null;
        }
      }
    }
    return null;
  }

  /** true/false, 1/0 (as number or string); {@code absent} when missing; null when invalid. */
  static Boolean flag(Object v, boolean absent) {
    if (v == null) {
      return absent;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof Number n && (n.doubleValue() == 0 || n.doubleValue() == 1)) {
      return n.doubleValue() == 1;
    }
    if (v instanceof String s) {
      return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "1", "true" -> true;
        case "0", "false", "" -> false;
        default -> null;
      };
    }
    return null;
  }
}
