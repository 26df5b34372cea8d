package io.trackflow.query;

import io.trackflow.core.http.HttpRoutes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Serves the OpenAPI 3.1 description of the whole HTTP API at {@code /api/openapi.json}. */
public final class OpenApiRoutes implements HttpRoutes {

  public static final String RESOURCE = "trackflow/openapi.json";

  private final Buffer document;

  public OpenApiRoutes() {
    this.document = load().toBuffer();
  }

  /** The document, parsed (read once from the classpath). */
  public static JsonObject load() {
    try (InputStream in = OpenApiRoutes.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the build");
      }
      return new JsonObject(Buffer.buffer(in.readAllBytes()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void mount(Vertx vertx, Router router) {
    router.get("/api/openapi.json").handler(ctx -> ctx.response()
        .putHeader("content-type", "application/json")
        .putHeader("Cache-Control", "no-cache")
        .end(document));
  }
}
