package io.trackflow.core.role;

import io.trackflow.core.config.Role;
import io.vertx.core.Future;

/**
 * Builds one role of a process. Each role module registers one provider with
 * {@link java.util.ServiceLoader}; the launcher starts those whose role is configured.
 */
public interface RoleProvider {

  Role role();

  /** Creates the role's adapters-facing parts and deploys its verticles. */
  Future<RoleInstance> start(RoleContext context);
}
