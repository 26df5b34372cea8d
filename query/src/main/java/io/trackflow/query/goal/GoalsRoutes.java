package io.trackflow.query.goal;

import io.trackflow.core.event.CurrencyCode;
import io.trackflow.core.http.HttpFailure;
import io.trackflow.core.http.HttpRoutes;
import io.trackflow.query.account.AccountConflictException;
import io.trackflow.query.account.AccountStore;
import io.trackflow.query.account.Funnel;
import io.trackflow.query.account.Goal;
import io.trackflow.query.account.GoalInUseException;
import io.trackflow.query.auth.AccessControl;
import io.trackflow.query.auth.Permission;
import io.trackflow.query.site.ApiSupport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A site's goals and funnels: everyone who reads the site's stats reads them (the dashboard's
 * goal and funnel views need them), admins and owners change them. Changing them needs no cache
 * invalidation: cached answers are keyed by the goals they used.
 */
public final class GoalsRoutes implements HttpRoutes {

  static final int MAX_NAME = 120;
  static final int MAX_PATH = 2048;
  static final int MIN_STEPS = 2;
  static final int MAX_STEPS = 8;

  private final AccountStore store;
  private final AccessControl access;

  public GoalsRoutes(AccountStore store, AccessControl access) {
    this.store = store;
    this.access = access;
  }

  @Override
  public void mount(Vertx vertx, Router router) {
    router.get("/api/sites/:domain/goals").handler(this::goals);
    router.post("/api/sites/:domain/goals").handler(this::createGoal);
    router.delete("/api/sites/:domain/goals/:id").handler(this::deleteGoal);
    router.get("/api/sites/:domain/funnels").handler(this::funnels);
    router.post("/api/sites/:domain/funnels").handler(this::createFunnel);
    router.delete("/api/sites/:domain/funnels/:id").handler(this::deleteFunnel);
  }

  // ---- goals

  private void goals(RoutingContext ctx) {
    Future<JsonArray> result = access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.READ)
        .compose(a -> store.goals(a.domain()))
        .map(goals -> new JsonArray(goals.stream().map(GoalsRoutes::goalJson).toList()));
    ApiSupport.respond(ctx, result, 200);
  }

  private void createGoal(RoutingContext ctx) {
    JsonObject body = ApiSupport.body(ctx, Set.of("event_name", "page_path", "display_name", "currency"));
    String eventName = text(body, "event_name", MAX_NAME);
    String pagePath = text(body, "page_path", MAX_PATH);
    if ((eventName == null) == (pagePath == null)) {
      throw ApiSupport.badRequest("body: give either event_name (a custom event goal) or page_path (a pageview goal)");
    }
    if (pagePath != null && !pagePath.startsWith("/") && !pagePath.startsWith("*")) {
      throw ApiSupport.badRequest("page_path: expected a path such as /signup or /blog/* (* matches any characters)");
    }
    String currency = currency(body);
    if (currency != null && eventName == null) {
      throw ApiSupport.badRequest("currency: only custom event goals carry revenue; page goals have no currency");
    }
    String displayName = text(body, "display_name", MAX_NAME);
    if (displayName == null) {
      displayName = eventName != null ? eventName : "Visit " + pagePath;
    }
    Goal goal = new Goal(0, "", displayName, eventName, pagePath, currency, 0);
    Future<JsonObject> result = access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.MANAGE)
        .compose(a -> store.createGoal(new Goal(0, a.domain(), goal.displayName(), goal.eventName(),
            goal.pagePath(), goal.currency(), 0)))
        .recover(e -> Future.failedFuture(e instanceof AccountConflictException
            ? new HttpFailure(409, "goal_exists", "this site already has a goal named '" + goal.displayName()
                + "' or one for the same " + (goal.isEvent() ? "event" : "page path"))
            : e))
        .map(GoalsRoutes::goalJson);
    ApiSupport.respond(ctx, result, 201);
  }

  private void deleteGoal(RoutingContext ctx) {
    long id = ApiSupport.pathId(ctx, "id");
    Future<Boolean> deleted = access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.MANAGE)
        .compose(a -> store.deleteGoal(a.domain(), id))
        .recover(e -> Future.failedFuture(e instanceof GoalInUseException used
            ? new HttpFailure(409, "goal_in_funnel", "the goal is a step of " + String.join(", ", used.funnels())
                + "; delete those funnels first", new JsonObject().put("funnels", new JsonArray(used.funnels())))
            : e));
    ApiSupport.respondDeleted(ctx, deleted, "goal_not_found", "no such goal");
  }

  // ---- funnels

  private void funnels(RoutingContext ctx) {
    Future<JsonArray> result = access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.READ)
        .compose(a -> store.funnels(a.domain()))
        .map(funnels -> new JsonArray(funnels.stream().map(GoalsRoutes::funnelJson).toList()));
    ApiSupport.respond(ctx, result, 200);
  }

  private void createFunnel(RoutingContext ctx) {
    JsonObject body = ApiSupport.body(ctx, Set.of("name", "steps"));
    String name = text(body, "name", MAX_NAME);
    if (name == null) {
      throw ApiSupport.badRequest("name: required");
    }
    List<String> steps = steps(body);
    Future<JsonObject> result = access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.MANAGE)
        .compose(a -> store.goals(a.domain()).compose(goals -> {
          Map<String, Goal> byName = goals.stream().collect(Collectors.toMap(Goal::displayName, Function.identity()));
          List<Long> ids = new ArrayList<>();
          for (int i = 0; i < steps.size(); i++) {
            Goal goal = byName.get(steps.get(i));
            if (goal == null) {
              return Future.failedFuture(ApiSupport.badRequest("steps[" + i + "]: no goal named '" + steps.get(i)
                  + "' on this site; create it first"));
            }
            ids.add(goal.id());
          }
          return store.createFunnel(a.domain(), name, ids);
        }))
        .recover(e -> Future.failedFuture(e instanceof AccountConflictException
            ? new HttpFailure(409, "funnel_exists", "this site already has a funnel named '" + name + "'")
            : e))
        .map(GoalsRoutes::funnelJson);
    ApiSupport.respond(ctx, result, 201);
  }

  private void deleteFunnel(RoutingContext ctx) {
    long id = ApiSupport.pathId(ctx, "id");
    Future<Boolean> deleted = access.authorizeSite(ctx, ctx.pathParam("domain"), Permission.MANAGE)
        .compose(a -> store.deleteFunnel(a.domain(), id));
    ApiSupport.respondDeleted(ctx, deleted, "funnel_not_found", "no such funnel");
  }

  // ---- validation and JSON

  /** An optional trimmed text field; blank counts as absent. NUL cannot be stored. */
  private static String text(JsonObject body, String field, int maxLength) {
    String value = ApiSupport.optionalString(body, field, maxLength);
    if (value == null || value.isBlank()) {
      return null;
    }
    if (value.indexOf('\0') >= 0) {
      throw ApiSupport.badRequest(field + ": must not contain NUL characters");
    }
    return value.strip();
  }

  private static String currency(JsonObject body) {
    String code = ApiSupport.optionalString(body, "currency", 3);
    if (code == null) {
      return null;
    }
    if (!CurrencyCode.isValid(code)) {
      throw ApiSupport.badRequest("currency: expected an ISO 4217 code such as EUR or USD");
    }
    return code;
  }

  private static List<String> steps(JsonObject body) {
    if (!(body.getValue("steps") instanceof JsonArray array) || array.size() < MIN_STEPS || array.size() > MAX_STEPS) {
      throw ApiSupport.badRequest("steps: expected an array of " + MIN_STEPS + " to " + MAX_STEPS + " goal names");
    }
    List<String> steps = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String step) || step.isBlank()) {
        throw ApiSupport.badRequest("steps[" + i + "]: expected a goal name");
      }
      if (!seen.add(step.strip())) {
        throw ApiSupport.badRequest("steps[" + i + "]: '" + step.strip() + "' is already a step of this funnel");
      }
      steps.add(step.strip());
    }
    return steps;
  }

  static JsonObject goalJson(Goal goal) {
    return new JsonObject()
        .put("id", goal.id())
        .put("display_name", goal.displayName())
        .put("event_name", goal.eventName())
        .put("page_path", goal.pagePath())
        .put("currency", goal.currency())
        .put("created_at", Instant.ofEpochMilli(goal.createdAt()).toString());
  }

  static JsonObject funnelJson(Funnel funnel) {
    return new JsonObject()
        .put("id", funnel.id())
        .put("name", funnel.name())
        .put("steps", new JsonArray(funnel.steps().stream().map(Goal::displayName).toList()))
        .put("created_at", Instant.ofEpochMilli(funnel.createdAt()).toString());
  }
}
