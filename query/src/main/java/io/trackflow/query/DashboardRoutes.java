package io.trackflow.query;

import io.trackflow.core.http.HttpFailure;
import io.trackflow.core.http.HttpRoutes;
import io.trackflow.core.http.SecurityHeaders;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * Serves the built dashboard from the classpath ({@code trackflow/dashboard/**}). File names under
 * {@code /assets/} carry a content hash, so they are cached for a year as immutable; index.html is
 * revalidated every time, and any other non-API path gets it (the app routes on the client), with
 * the dashboard's {@link SecurityHeaders} (a share link's under {@code /share/}).
 * Mount last: it answers whatever no other route took.
 */
public final class DashboardRoutes implements HttpRoutes {

  public static final String ROOT = "trackflow/dashboard";
  private static final String INDEX = ROOT + "/index.html";
  private static final int YEAR_SECONDS = 365 * 24 * 3600;
  /** Share links (the app's share page) may be framed by other sites; nothing else may. */
  private static final String SHARE_PREFIX = "/share/";

  private final boolean present;

  public DashboardRoutes() {
    this.present = DashboardRoutes.class.getClassLoader().getResource(INDEX) != null;
  }

  /** Whether the dashboard build is on the classpath. */
  public boolean present() {
    return present;
  }

  @Override
  public void mount(Vertx vertx, Router router) {
    router.route("/assets/*").method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(StaticHandler.create(ROOT + "/assets").setCachingEnabled(true).setMaxAgeSeconds(YEAR_SECONDS)
            .setIncludeHidden(false).setDirectoryListing(false));
    router.route("/assets/*").handler(ctx -> ctx.fail(new HttpFailure(404, "not_found", "no such asset")));
    router.route().method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> {
      String path = ctx.normalizedPath();
      if (path.startsWith("/api/") || path.equals("/api")) {
        ctx.next();
        return;
      }
      ctx.response().putHeader("Cache-Control", "no-cache");
      (path.startsWith(SHARE_PREFIX) ? SecurityHeaders.SHARED_DASHBOARD : SecurityHeaders.DASHBOARD).use(ctx);
      ctx.next();
    });
    router.route().method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(StaticHandler.create(ROOT).setCachingEnabled(false).setIndexPage("index.html")
            .setIncludeHidden(false).setDirectoryListing(false));
    router.route().method(HttpMethod.GET).method(HttpMethod.HEAD).handler(this::fallback);
  }

  /** Client-side routes (/sites, /example.com, /share/...) load the app. */
  private void fallback(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    if (path.startsWith("/api/") || path.equals("/api")) {
      ctx.next();
      return;
    }
    if (!present) {
      ctx.fail(new HttpFailure(404, "dashboard_missing", "the dashboard is not part of this build"));
      return;
    }
    ctx.response().putHeader("content-type", "text/html; charset=utf-8").sendFile(INDEX);
  }
}
