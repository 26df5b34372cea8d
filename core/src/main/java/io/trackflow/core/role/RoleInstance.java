package io.trackflow.core.role;

import io.trackflow.core.http.HttpRoutes;
import io.vertx.core.Future;
import java.util.List;

/** A started role: the routes it adds to the process's HTTP server, and how to stop it cleanly. */
public interface RoleInstance {

  List<HttpRoutes> routes();

  /** Stops taking work, flushes what is buffered, undeploys its verticles. */
  Future<Void> stop();
}
