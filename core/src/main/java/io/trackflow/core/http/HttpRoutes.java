package io.trackflow.core.http;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * Routes a role contributes to the one HTTP server of its process. Called once per HTTP server
 * verticle instance, on that instance's event loop, so per-loop state belongs in here.
 */
@FunctionalInterface
public interface HttpRoutes {
  void mount(Vertx vertx, Router router);
}
