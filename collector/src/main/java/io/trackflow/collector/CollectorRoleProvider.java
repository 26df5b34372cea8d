package io.trackflow.collector;

import io.trackflow.core.config.Role;
import io.trackflow.core.config.Setting;
import io.trackflow.core.role.RoleContext;
import io.trackflow.core.role.RoleInstance;
import io.trackflow.core.role.RoleProvider;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Clock;

/** The collector role: pixel and beacon ingestion, enrichment, dedup, publish. */
public final class CollectorRoleProvider implements RoleProvider {

  @Override
  public Role role() {
    return Role.COLLECTOR;
  }

  @Override
  public Future<RoleInstance> start(RoleContext context) {
    return CollectorRole.start(context,
        Enrichers.load(context.vertx(), context.config().optional(Setting.GEO_CITY_DB).map(Path::of)),
        Clock.systemUTC());
  }
}
