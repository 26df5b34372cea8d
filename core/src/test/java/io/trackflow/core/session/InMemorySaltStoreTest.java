package io.trackflow.core.session;

import io.trackflow.core.session.local.InMemorySaltStore;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.DisplayName;

@DisplayName("The in-memory salt store fulfils the salt store contract")
class InMemorySaltStoreTest extends SaltStoreContract {

  private InMemorySaltStore shared;

  @Override
  protected SaltStore create(Vertx vertx) {
    if (shared == null) {
      shared = new InMemorySaltStore();
    }
    return shared;
  }
}
