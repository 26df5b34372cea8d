package io.trackflow.query.data;

import io.trackflow.core.http.HttpFailure;
import io.trackflow.core.store.EventStore;
import io.trackflow.query.account.AccountStore;
import io.trackflow.query.account.SiteImport;
import io.trackflow.query.auth.AccessControl;
import io.trackflow.query.auth.Permission;
import io.trackflow.query.auth.Principal;
import io.trackflow.query.site.ApiSupport;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * {@code POST /api/sites/{domain}/imports} (a Plausible CSV export zip as the body, streamed to a
 * temporary file, never held in memory) answers 202 with the import's id; {@code GET …/imports}
 * and {@code GET …/imports/{id}} report state, progress and errors; {@code DELETE
 * …/imports/{id}} removes an import's rows. Uploading and deleting need admins or owners; the
 * state is readable by whoever reads the site's stats (the dashboard's imports toggle).
 */
public final class ImportsRoutes {

  /** Largest upload accepted. */
  static final long MAX_UPLOAD_BYTES = 1L << 30;
  private static final Pattern UPLOAD_PATH = Pattern.compile("/api/sites/[^/]+/imports/?");

  private final Vertx vertx;
  private final AccessControl access;
  private final AccountStore accounts;
  private final EventStore events;
  private final Imports imports;
  private final Function<String, Future<Void>> invalidate;

  public ImportsRoutes(Vertx vertx, AccessControl access, AccountStore accounts, EventStore events, Imports imports,
      Function<String, Future<Void>> invalidate) {
    this.vertx = vertx;
    this.access = access;
    this.accounts = accounts;
    this.events = events;
    this.imports = imports;
    this.invalidate = invalidate;
  }

  /** True for the upload, whose body this route streams itself (the JSON body handler skips it). */
  public static boolean streamsBody(HttpServerRequest request) {
    return request.method() == io.vertx.core.http.HttpMethod.POST && UPLOAD_PATH.matcher(request.path()).matches();
  }

  public void mount(Router router) {
    router.post("/api/sites/:domain/imports").handler(this::upload);
    router.get("/api/sites/:domain/imports").handler(this::list);
    router.get("/api/sites/:domain/imports/:id").handler(this::get);
    router.delete("/api/sites/:domain/imports/:id").handler(this::delete);
  }

  private void upload(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    Future<SiteImport> started = access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.MANAGE)
        .compose(site -> checkUpload(request).compose(v -> access.principal(ctx)).compose(principal -> receive(request)
            .compose(upload -> imports.start(site.domain(), userId(principal), upload)
                .onFailure(e -> vertx.fileSystem().delete(upload.toString())))));
    started.onSuccess(created -> ctx.response().setStatusCode(202)
            .putHeader("Location", "/api/sites/" + created.domain() + "/imports/" + created.id())
            .putHeader("content-type", "application/json")
            .end(new JsonObject().put("id", created.id()).encode()))
        .onFailure(ctx::fail);
  }

  /** The upload's headers: a zip, not announced larger than the limit. */
  private static Future<Void> checkUpload(HttpServerRequest request) {
    String type = request.getHeader("Content-Type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/zip")) {
      return Future.failedFuture(new HttpFailure(415, "unsupported_media_type",
          "send the export zip as the body with Content-Type: application/zip"));
    }
    String length = request.getHeader("Content-Length");
    if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > MAX_UPLOAD_BYTES) {
      return Future.failedFuture(tooLarge());
    }
    return Future.succeededFuture();
  }

  private static long userId(Principal principal) {
    return principal instanceof Principal.UserSession user ? user.userId() : 0L;
  }

  /** Streams the (paused) request body into a temporary file, refusing bodies over the limit or not a zip. */
  private Future<Path> receive(HttpServerRequest request) {
    return vertx.fileSystem().createTempFile("trackflow-import-", ".zip").compose(path ->
        vertx.fileSystem().open(path, new OpenOptions().setWrite(true).setTruncateExisting(true)).compose(file -> {
          Promise<Path> received = Promise.promise();
          long[] size = {0};
          Buffer head = Buffer.buffer();
          request.handler(chunk -> {
            if (received.future().isComplete()) {
              return; // refused already: the rest is read and dropped
            }
            size[0] += chunk.length();
            if (head.length() < 4) {
              head.appendBuffer(chunk.getBuffer(0, Math.min(chunk.length(), 4 - head.length())));
            }
            if (size[0] > MAX_UPLOAD_BYTES) {
              received.tryFail(tooLarge());
              return;
            }
            file.write(chunk);
            if (file.writeQueueFull()) {
              request.pause();
              file.drainHandler(v -> request.resume());
            }
          });
          request.exceptionHandler(received::tryFail);
          request.endHandler(v -> received.tryComplete(Path.of(path)));
          request.resume();
          return received.future()
              .eventually(() -> file.close().otherwiseEmpty())
              .compose(p -> isZip(head) ? Future.succeededFuture(p) : Future.failedFuture(new HttpFailure(400,
                  "not_a_zip", "the body is not a zip file; send the zip of CSV files Plausible's export produces")))
              .recover(e -> vertx.fileSystem().delete(path).otherwiseEmpty().compose(v -> Future.failedFuture(e)));
        }));
  }

  // "PK\3\4" starts a zip with entries, "PK\5\6" an empty one.
  private static boolean isZip(Buffer head) {
    return head.length() == 4 && head.getByte(0) == 'P' && head.getByte(1) == 'K'
        && (head.getByte(2) == 3 && head.getByte(3) == 4 || head.getByte(2) == 5 && head.getByte(3) == 6);
  }

  private static HttpFailure tooLarge() {
    return new HttpFailure(413, "upload_too_large", "the upload exceeds " + (MAX_UPLOAD_BYTES >> 20) + " MB");
  }

  private void list(RoutingContext ctx) {
    Future<JsonArray> result = access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.READ)
        .compose(site -> accounts.imports(site.domain()))
        .map(all -> new JsonArray(all.stream().map(i -> json(imports.current(i))).toList()));
    ApiSupport.respond(ctx, result, 200);
  }

  private void get(RoutingContext ctx) {
    long id = ApiSupport.pathId(ctx, "id");
    Future<JsonObject> result = access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.READ)
        .compose(site -> accounts.findImport(site.domain(), id))
        .compose(found -> found.isEmpty() ? Future.failedFuture(notFound())
            : Future.succeededFuture(json(imports.current(found.get()))));
    ApiSupport.respond(ctx, result, 200);
  }

  /** Removes the import's rows first, so a failure leaves the record to delete again. */
  private void delete(RoutingContext ctx) {
    long id = ApiSupport.pathId(ctx, "id");
    Future<Void> result = access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.MANAGE)
        .compose(site -> accounts.findImport(site.domain(), id).compose(found -> {
          if (found.isEmpty()) {
            return Future.failedFuture(notFound());
          }
          if (imports.current(found.get()).status() == SiteImport.Status.RUNNING) {
            return Future.failedFuture(new HttpFailure(409, "import_running",
                "the import is still running; delete it once it has finished"));
          }
          return events.deleteImport(site.domain(), id)
              .compose(v -> accounts.deleteImport(site.domain(), id))
              .compose(v -> invalidate.apply(site.domain()).otherwiseEmpty());
        }));
    ApiSupport.respond(ctx, result.map(v -> null), 204);
  }

  private static HttpFailure notFound() {
    return new HttpFailure(404, "import_not_found", "no such import of this site");
  }

  static JsonObject json(SiteImport i) {
    double progress = i.status() == SiteImport.Status.DONE ? 1.0
        : i.rowsTotal() == 0 ? 0.0 : Math.floor(1000.0 * i.rowsDone() / i.rowsTotal()) / 1000.0;
    JsonArray errors = new JsonArray();
    i.errors().forEach(e -> errors.add(new JsonObject().put("file", e.file()).put("message", e.message())));
    return new JsonObject()
        .put("id", i.id())
        .put("status", i.status().label())
        .put("progress", progress)
        .put("rows", i.rowsDone())
        .put("errors", errors)
        .put("start_date", i.startDate() == null ? null : i.startDate().toString())
        .put("end_date", i.endDate() == null ? null : i.endDate().toString())
        .put("created_at", Instant.ofEpochMilli(i.createdAt()).toString())
        .put("finished_at", i.finishedAt() == null ? null : Instant.ofEpochMilli(i.finishedAt()).toString());
  }
}
