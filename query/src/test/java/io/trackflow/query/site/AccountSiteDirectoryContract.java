package io.trackflow.query.site;

import io.trackflow.core.site.SiteDirectoryContract;
import io.trackflow.query.account.AccountStore;
import io.trackflow.query.account.Site;
import io.trackflow.query.account.SiteUpdate;

/** The site directory contract for {@link AccountSiteDirectory}: sites change as the sites API changes them. */
abstract class AccountSiteDirectoryContract extends SiteDirectoryContract {

  private Long ownerId;

  /** The store the sites API changes sites in. */
  protected abstract AccountStore sitesApiStore();

  @Override
  protected void createSite(String domain, String timezone) throws Exception {
    if (ownerId == null) {
      ownerId = await(sitesApiStore().createUser("owner@example.com", "hash", false)).id();
    }
    await(sitesApiStore().createSite(new Site(domain, domain, timezone, 1_000L), ownerId));
  }

  @Override
  protected void changeTimezone(String domain, String timezone) throws Exception {
    await(sitesApiStore().updateSite(domain, null, timezone));
  }

  @Override
  protected void changePrivacySignals(String domain, boolean honoured) throws Exception {
    await(sitesApiStore().updateSite(domain, new SiteUpdate(null, null, null, honoured)));
  }

  @Override
  protected void deleteSite(String domain) throws Exception {
    await(sitesApiStore().deleteSite(domain));
  }
}
