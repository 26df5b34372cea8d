package io.trackflow.query.site;

import io.trackflow.core.site.SiteDirectory;
import io.trackflow.core.site.SiteInfo;
import io.trackflow.query.account.AccountStore;
import io.vertx.core.Future;
import java.util.List;

/**
 * The collector's site list, read from the account store. Changes are pushed through the store
 * (in-process callback standalone, PostgreSQL LISTEN/NOTIFY in cluster), so a new or deleted site
 * is seen within seconds.
 */
public final class AccountSiteDirectory implements SiteDirectory {

  private final AccountStore store;

  public AccountSiteDirectory(AccountStore store) {
    this.store = store;
  }

  @Override
  public Future<List<SiteInfo>> listSites() {
    return store.listSites().map(sites -> sites.stream().map(s -> new SiteInfo(s.domain(), s.timezone(), s.privacySignals())).toList());
  }

  @Override
  public void onChange(Runnable listener) {
    // The collector reloads its whole snapshot on any change, so which site changed is not needed.
    store.onSitesChanged(change -> listener.run());
  }
}
