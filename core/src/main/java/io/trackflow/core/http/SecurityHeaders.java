package io.trackflow.core.http;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * The security headers of a response, by kind of resource. Every response gets {@link #API}
 * unless a route chose another kind for its request with {@link #use}: a route added later is
 * locked down until someone decides otherwise. The headers are written when the response's
 * headers are, so error answers carry them too.
 *
 * <p>The dashboard's policy follows its build: Vite emits one module script and one stylesheet
 * (no inline script or style element), React and Recharts set styles through the CSSOM (which
 * {@code style-src} does not govern), and the only image is the inline SVG favicon, so nothing
 * needs {@code 'unsafe-inline'}; anything else it would load is refused ({@code default-src
 * 'none'}), which the browser test would see as a violation. Share links may be framed by any site, as Plausible's shared
 * dashboards can be: they are read-only, so there is nothing to click-jack.
 */
public enum SecurityHeaders {

  /** JSON, errors, health, metrics, assets: nothing to render, never framed. */
  API("default-src 'none'; frame-ancestors 'none'", true, true),
  /** The dashboard's HTML. */
  DASHBOARD(dashboardPolicy("'none'"), true, true),
  /** A share link's HTML: the dashboard's policy, but any site may frame it. */
  SHARED_DASHBOARD(dashboardPolicy("*"), true, false),
  /**
   * The pixel, beacons and tracker.js: requested cross-origin by every site that embeds them, so
   * no frame or content policy (a GIF or a script is not a document); only {@code nosniff}, which
   * keeps browsers from running either as anything but what its content type says.
   */
  COLLECTOR(null, false, false);

  public static final String CSP = "Content-Security-Policy";
  public static final String NOSNIFF = "X-Content-Type-Options";
  public static final String REFERRER_POLICY = "Referrer-Policy";
  public static final String FRAME_OPTIONS = "X-Frame-Options";

  private static final String KEY = SecurityHeaders.class.getName();

  private final String contentSecurityPolicy;
  private final boolean referrerPolicy;
  private final boolean denyFraming;

  SecurityHeaders(String contentSecurityPolicy, boolean referrerPolicy, boolean denyFraming) {
    this.contentSecurityPolicy = contentSecurityPolicy;
    this.referrerPolicy = referrerPolicy;
    this.denyFraming = denyFraming;
  }

  private static String dashboardPolicy(String frameAncestors) {
    return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
        + "frame-ancestors " + frameAncestors;
  }

  /** The Content-Security-Policy this kind sends, or null for none. */
  public String contentSecurityPolicy() {
    return contentSecurityPolicy;
  }

  /** Chooses this kind for the request's response (the last choice wins). */
  public void use(RoutingContext ctx) {
    ctx.put(KEY, this);
  }

  /**
   * The first handler of the server: arranges for the chosen kind's headers (or {@link #API}'s)
   * to be written with the response's.
   */
  public static void install(RoutingContext ctx) {
    ctx.addHeadersEndHandler(v -> {
      SecurityHeaders chosen = ctx.get(KEY);
      (chosen == null ? API : chosen).writeTo(ctx.response().headers());
    });
    ctx.next();
  }

  void writeTo(MultiMap headers) {
    headers.set(NOSNIFF, "nosniff");
    if (referrerPolicy) {
      headers.set(REFERRER_POLICY, "strict-origin-when-cross-origin");
    }
    if (contentSecurityPolicy != null) {
      headers.set(CSP, contentSecurityPolicy);
    }
    if (denyFraming) {
      // For browsers without CSP's frame-ancestors.
      headers.set(FRAME_OPTIONS, "DENY");
    }
  }
}
