package io.trackflow.query.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The behaviour every account store adapter must show; each adapter's test extends this. */
public abstract class AccountStoreContract {

  protected Vertx vertx;
  protected AccountStore store;

  /** A migrated store over fresh, empty storage. */
  protected abstract AccountStore newStore(Vertx vertx) throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    vertx = Vertx.vertx();
    store = newStore(vertx);
  }

  @AfterEach
  void closeStore() throws Exception {
    await(store.close());
    await(vertx.close());
  }

  protected static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  private User user(String email) throws Exception {
    return await(store.createUser(email, "hash-of-" + email, false));
  }

  private Site site(String domain, User owner) throws Exception {
    return await(store.createSite(new Site(domain, "Name of " + domain, "Europe/Berlin", 1_000L), owner.id()));
  }

  @Test
  @DisplayName("Migrations are recorded by version and applying them again changes nothing")
  void migrationsAreVersioned() throws Exception {
    List<Integer> versions = AccountSchema.postgres().stream().map(AccountSchema.Migration::version).toList();
    assertThat(versions).containsExactly(1, 2, 3, 4, 5, 6, 7);
    assertThat(AccountSchema.duckdb().stream().map(AccountSchema.Migration::version).toList()).isEqualTo(versions);
    assertThat(await(store.appliedMigrations())).isEqualTo(versions);
    await(store.migrate());
    assertThat(await(store.appliedMigrations())).isEqualTo(versions);
  }

  @Test
  @DisplayName("Emails are unique regardless of case and found in any case")
  void emailsUniqueCaseInsensitively() throws Exception {
    User alice = await(store.createUser("Alice@Example.COM", "h1", true));
    assertThat(alice.email()).isEqualTo("alice@example.com");
    assertThat(alice.instanceAdmin()).isTrue();
    assertThatThrownBy(() -> await(store.createUser("alice@example.com", "h2", false)))
        .isInstanceOf(AccountConflictException.class);
    assertThat(await(store.findUserByEmail("ALICE@example.com"))).contains(alice);
    assertThat(await(store.findUser(alice.id()))).contains(alice);
    assertThat(await(store.findUserByEmail("bob@example.com"))).isEmpty();
    assertThat(await(store.countUsers())).isEqualTo(1L);
  }

  @Test
  @DisplayName("Creating a site makes its creator the owner, and a second site with that domain conflicts")
  void createSiteMakesOwner() throws Exception {
    User owner = user("owner@example.com");
    User other = user("other@example.com");
    Site created = site("Shop.Example.com", owner);
    assertThat(created.domain()).isEqualTo("shop.example.com");

    assertThat(await(store.findSite("shop.example.com"))).contains(created);
    assertThat(await(store.membership(owner.id(), "shop.example.com")))
        .contains(new SiteMembership(created, SiteRole.OWNER));
    assertThat(await(store.membership(other.id(), "shop.example.com"))).isEmpty();
    assertThat(await(store.sitesOf(owner.id()))).containsExactly(new SiteMembership(created, SiteRole.OWNER));
    assertThat(await(store.sitesOf(other.id()))).isEmpty();
    assertThatThrownBy(() -> site("shop.example.com", other)).isInstanceOf(AccountConflictException.class);
    assertThat(await(store.membership(other.id(), "shop.example.com"))).isEmpty();
    assertThat(await(store.listSites())).extracting(Site::domain).containsExactly("shop.example.com");
  }

  @Test
  @DisplayName("Updating a site changes only the given fields, and an unknown site is reported empty")
  void updateSite() throws Exception {
    User owner = user("owner@example.com");
    site("a.example", owner);
    Optional<Site> renamed = await(store.updateSite("a.example", "Renamed", null));
    assertThat(renamed).map(Site::name).contains("Renamed");
    assertThat(renamed).map(Site::timezone).contains("Europe/Berlin");
    Optional<Site> moved = await(store.updateSite("a.example", null, "America/New_York"));
    assertThat(moved).map(Site::name).contains("Renamed");
    assertThat(await(store.findSite("a.example"))).map(Site::timezone).contains("America/New_York");
    assertThat(await(store.updateSite("missing.example", "x", null))).isEmpty();
  }

  @Test
  @DisplayName("A site keeps everything and ignores privacy signals until told otherwise; each setting changes alone and reads back everywhere")
  void siteSettings() throws Exception {
    User owner = user("owner@example.com");
    site("a.example", owner);
    assertThat(await(store.findSite("a.example"))).get()
        .returns(null, Site::retentionDays).returns(false, Site::privacySignals);

    await(store.updateSite("a.example", new SiteUpdate(null, null, new SiteUpdate.Retention(30), null)));
    await(store.updateSite("a.example", new SiteUpdate(null, null, null, true)));
    Site both = await(store.findSite("a.example")).orElseThrow();
    assertThat(both.retentionDays()).isEqualTo(30);
    assertThat(both.privacySignals()).isTrue();
    assertThat(both.timezone()).isEqualTo("Europe/Berlin");
    assertThat(await(store.listSites())).containsExactly(both);
    assertThat(await(store.sitesOf(owner.id()))).extracting(SiteMembership::site).containsExactly(both);
    assertThat(await(store.membership(owner.id(), "a.example"))).map(SiteMembership::site).contains(both);

    // A rename leaves the settings; a null retention means forever again.
    await(store.updateSite("a.example", "Renamed", null));
    Optional<Site> forever = await(store.updateSite("a.example", new SiteUpdate(null, null, new SiteUpdate.Retention(null), false)));
    assertThat(forever).get().returns("Renamed", Site::name).returns(null, Site::retentionDays)
        .returns(false, Site::privacySignals);
  }

  @Test
  @DisplayName("Members are added, re-roled and removed, and listed with their emails")
  void members() throws Exception {
    User owner = user("owner@example.com");
    User viewer = user("viewer@example.com");
    site("a.example", owner);
    Member added = await(store.putMember("a.example", viewer.id(), SiteRole.VIEWER));
    assertThat(added.email()).isEqualTo("viewer@example.com");
    assertThat(added.role()).isEqualTo(SiteRole.VIEWER);
    assertThat(await(store.putMember("a.example", viewer.id(), SiteRole.ADMIN)).role()).isEqualTo(SiteRole.ADMIN);
    assertThat(await(store.members("a.example")))
        .extracting(Member::email, Member::role)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("owner@example.com", SiteRole.OWNER),
            org.assertj.core.groups.Tuple.tuple("viewer@example.com", SiteRole.ADMIN));
    assertThat(await(store.removeMember("a.example", viewer.id()))).isTrue();
    assertThat(await(store.removeMember("a.example", viewer.id()))).isFalse();
    assertThat(await(store.membership(viewer.id(), "a.example"))).isEmpty();
  }

  @Test
  @DisplayName("Deleting a site removes its memberships, share links and API key scopes, and nothing of other sites")
  void deleteSiteCascades() throws Exception {
    User owner = user("owner@example.com");
    site("a.example", owner);
    site("b.example", owner);
    await(store.createShareLink("a.example", "share-a", "public", owner.id()));
    await(store.createShareLink("b.example", "share-b", "public", owner.id()));
    ApiKey key = await(store.createApiKey(owner.id(), "ci", "tf_abc", "key-hash", List.of("a.example", "b.example")));
    assertThat(key.sites()).containsExactly("a.example", "b.example");

    assertThat(await(store.deleteSite("a.example"))).isTrue();
    assertThat(await(store.deleteSite("a.example"))).isFalse();

    assertThat(await(store.findSite("a.example"))).isEmpty();
    assertThat(await(store.membership(owner.id(), "a.example"))).isEmpty();
    assertThat(await(store.findShareLink("share-a"))).isEmpty();
    assertThat(await(store.findShareLink("share-b"))).isPresent();
    assertThat(await(store.findApiKey("key-hash"))).map(ApiKey::sites).contains(List.of("b.example"));
    assertThat(await(store.sitesOf(owner.id()))).extracting(m -> m.site().domain()).containsExactly("b.example");
  }

  @Test
  @DisplayName("Share links are found by their token hash and deleted only through their own site")
  void shareLinks() throws Exception {
    User owner = user("owner@example.com");
    site("a.example", owner);
    site("b.example", owner);
    ShareLink link = await(store.createShareLink("a.example", "hash-1", "board", owner.id()));
    assertThat(link.domain()).isEqualTo("a.example");
    assertThat(link.label()).isEqualTo("board");
    assertThat(await(store.findShareLink("hash-1"))).contains(link);
    assertThat(await(store.shareLinks("a.example"))).containsExactly(link);
    assertThat(await(store.shareLinks("b.example"))).isEmpty();
    assertThatThrownBy(() -> await(store.createShareLink("b.example", "hash-1", "dup", owner.id())))
        .isInstanceOf(AccountConflictException.class);
    assertThat(await(store.deleteShareLink("b.example", link.id()))).isFalse();
    assertThat(await(store.deleteShareLink("a.example", link.id()))).isTrue();
    assertThat(await(store.findShareLink("hash-1"))).isEmpty();
  }

  @Test
  @DisplayName("API keys are found by hash, listed per user and deleted only by their own user")
  void apiKeys() throws Exception {
    User owner = user("owner@example.com");
    User other = user("other@example.com");
    site("a.example", owner);
    ApiKey key = await(store.createApiKey(owner.id(), "reporting", "tf_1234", "hash-k", List.of("A.example")));
    assertThat(key.sites()).containsExactly("a.example");
    assertThat(await(store.findApiKey("hash-k"))).contains(key);
    assertThat(await(store.apiKeys(owner.id()))).containsExactly(key);
    assertThat(await(store.apiKeys(other.id()))).isEmpty();
    assertThat(await(store.deleteApiKey(other.id(), key.id()))).isFalse();
    assertThat(await(store.deleteApiKey(owner.id(), key.id()))).isTrue();
    assertThat(await(store.findApiKey("hash-k"))).isEmpty();
  }

  private Goal eventGoal(String domain, String name, String displayName, String currency) throws Exception {
    return await(store.createGoal(new Goal(0, domain, displayName, name, null, currency, 0)));
  }

  private Goal pageGoal(String domain, String path, String displayName) throws Exception {
    return await(store.createGoal(new Goal(0, domain, displayName, null, path, null, 0)));
  }

  @Test
  @DisplayName("Goals are listed per site in creation order; a repeated name, event or page path on one site conflicts")
  void goals() throws Exception {
    User owner = user("owner@example.com");
    site("a.example", owner);
    site("b.example", owner);
    Goal signup = eventGoal("A.example", "Signup", "Signup", null);
    Goal purchase = eventGoal("a.example", "Purchase", "Purchase in EUR", "EUR");
    Goal blog = pageGoal("a.example", "/blog/*", "Visit /blog/*");
    assertThat(signup.domain()).isEqualTo("a.example");
    assertThat(signup.isEvent()).isTrue();
    assertThat(purchase.revenueCurrency()).contains("EUR");
    assertThat(blog.pagePath()).isEqualTo("/blog/*");
    assertThat(blog.eventName()).isNull();
    assertThat(blog.revenueCurrency()).isEmpty();
    assertThat(await(store.goals("a.example"))).containsExactly(signup, purchase, blog);
    assertThat(await(store.goals("b.example"))).isEmpty();

    assertThatThrownBy(() -> eventGoal("a.example", "Other", "Signup", null)).isInstanceOf(AccountConflictException.class);
    assertThatThrownBy(() -> eventGoal("a.example", "Signup", "Signup again", null)).isInstanceOf(AccountConflictException.class);
    assertThatThrownBy(() -> pageGoal("a.example", "/blog/*", "Blog")).isInstanceOf(AccountConflictException.class);
    // An event goal and a page goal never clash, nor do goals of different sites.
    Goal pageNamedLikeEvent = pageGoal("a.example", "Signup", "Visit Signup");
    Goal elsewhere = eventGoal("b.example", "Signup", "Signup", null);
    assertThat(await(store.goals("b.example"))).containsExactly(elsewhere);

    assertThat(await(store.deleteGoal("b.example", signup.id()))).isFalse();
    assertThat(await(store.deleteGoal("a.example", signup.id()))).isTrue();
    assertThat(await(store.goals("a.example"))).containsExactly(purchase, blog, pageNamedLikeEvent);
    // Deleted, its name and event are free again.
    Goal again = eventGoal("a.example", "Signup", "Signup", null);
    assertThat(again.id()).isNotEqualTo(signup.id());
  }

  @Test
  @DisplayName("Funnels keep their steps in order, a goal in a funnel cannot be deleted, and funnel names are unique per site")
  void funnels() throws Exception {
    User owner = user("owner@example.com");
    site("a.example", owner);
    Goal blog = pageGoal("a.example", "/blog*", "Read the blog");
    Goal signup = eventGoal("a.example", "Signup", "Signup", null);
    Goal purchase = eventGoal("a.example", "Purchase", "Purchase", "USD");
    Funnel funnel = await(store.createFunnel("a.example", "Checkout", List.of(signup.id(), blog.id(), purchase.id())));
    assertThat(funnel.steps()).containsExactly(signup, blog, purchase);
    Funnel other = await(store.createFunnel("a.example", "Reading", List.of(blog.id(), signup.id())));
    assertThat(await(store.funnels("a.example"))).containsExactly(funnel, other);
    assertThatThrownBy(() -> await(store.createFunnel("a.example", "Checkout", List.of(blog.id(), signup.id()))))
        .isInstanceOf(AccountConflictException.class);
    assertThat(await(store.funnels("a.example"))).containsExactly(funnel, other);

    assertThatThrownBy(() -> await(store.deleteGoal("a.example", blog.id())))
        .isInstanceOfSatisfying(GoalInUseException.class,
            e -> assertThat(e.funnels()).containsExactly("Checkout", "Reading"));
    assertThat(await(store.deleteFunnel("a.example", funnel.id()))).isTrue();
    assertThat(await(store.deleteFunnel("a.example", funnel.id()))).isFalse();
    assertThat(await(store.deleteGoal("a.example", purchase.id()))).isTrue();
    assertThat(await(store.funnels("a.example"))).containsExactly(other);
  }

  @Test
  @DisplayName("Deleting a site removes its goals and funnels, and nothing of other sites")
  void deleteSiteRemovesGoals() throws Exception {
    User owner = user("owner@example.com");
    site("a.example", owner);
    site("b.example", owner);
    Goal a = eventGoal("a.example", "Signup", "Signup", null);
    Goal b = eventGoal("b.example", "Signup", "Signup", null);
    Goal b2 = pageGoal("b.example", "/", "Home");
    await(store.createFunnel("a.example", "F", List.of(a.id(), eventGoal("a.example", "Buy", "Buy", null).id())));
    Funnel kept = await(store.createFunnel("b.example", "F", List.of(b.id(), b2.id())));
    assertThat(await(store.deleteSite("a.example"))).isTrue();
    assertThat(await(store.goals("a.example"))).isEmpty();
    assertThat(await(store.funnels("a.example"))).isEmpty();
    assertThat(await(store.goals("b.example"))).containsExactly(b, b2);
    assertThat(await(store.funnels("b.example"))).containsExactly(kept);
    // A site created again with the domain starts without goals.
    site("a.example", owner);
    assertThat(eventGoal("a.example", "Signup", "Signup", null).displayName()).isEqualTo("Signup");
  }

  @Test
  @DisplayName("A refresh token rotates once; presenting it again revokes its whole family")
  void refreshRotation() throws Exception {
    User u = user("u@example.com");
    long now = 10_000L;
    await(store.storeRefreshToken(new RefreshToken("r1", u.id(), "fam", now + 1000, now)));
    Optional<RefreshToken> r2 = await(store.rotateRefreshToken("r1", "r2", now + 2000, now + 10));
    assertThat(r2).map(RefreshToken::userId).contains(u.id());
    assertThat(r2).map(RefreshToken::family).contains("fam");

    // Reuse of r1 (stolen?) kills r2 as well.
    assertThat(await(store.rotateRefreshToken("r1", "r3", now + 2000, now + 20))).isEmpty();
    assertThat(await(store.rotateRefreshToken("r2", "r4", now + 2000, now + 30))).isEmpty();
    assertThat(await(store.rotateRefreshToken("unknown", "r5", now + 2000, now))).isEmpty();
  }

  @Test
  @DisplayName("An expired refresh token does not rotate, and revoking one ends its family")
  void refreshExpiryAndRevocation() throws Exception {
    User u = user("u@example.com");
    await(store.storeRefreshToken(new RefreshToken("old", u.id(), "f1", 500L, 0L)));
    assertThat(await(store.rotateRefreshToken("old", "new", 5_000L, 1_000L))).isEmpty();

    await(store.storeRefreshToken(new RefreshToken("a1", u.id(), "f2", 10_000L, 0L)));
    Optional<RefreshToken> a2 = await(store.rotateRefreshToken("a1", "a2", 10_000L, 100L));
    assertThat(a2).isPresent();
    await(store.revokeRefreshToken("a2"));
    assertThat(await(store.rotateRefreshToken("a2", "a3", 10_000L, 200L))).isEmpty();
  }

  @Test
  @DisplayName("Revoked access token ids are deny-listed until they expire and then purged")
  void accessTokenDenyList() throws Exception {
    assertThat(await(store.isAccessTokenRevoked("jti-1"))).isFalse();
    await(store.revokeAccessToken("jti-1", 5_000L));
    await(store.revokeAccessToken("jti-1", 6_000L));
    assertThat(await(store.isAccessTokenRevoked("jti-1"))).isTrue();
    await(store.purgeExpired(5_500L));
    assertThat(await(store.isAccessTokenRevoked("jti-1"))).isTrue();
    await(store.purgeExpired(6_000L));
    assertThat(await(store.isAccessTokenRevoked("jti-1"))).isFalse();
  }

  @Test
  @DisplayName("Listeners hear which site was created, which was re-zoned and which was deleted")
  void siteChangesAreAnnounced() throws Exception {
    User owner = user("owner@example.com");
    HeardSiteChanges heard = new HeardSiteChanges();
    store.onSitesChanged(heard);
    site("a.example", owner);
    heard.await(SiteChange.created("a.example"));
    site("b.example", owner);
    heard.await(SiteChange.created("b.example"));
    await(store.updateSite("b.example", null, "UTC"));
    heard.await(SiteChange.updated("b.example"));
    await(store.deleteSite("a.example"));
    heard.await(SiteChange.deleted("a.example"));
  }

  @Test
  @DisplayName("Imports are recorded running, updated with progress, errors and dates, listed newest first per site, and forgotten with their site")
  void imports() throws Exception {
    User owner = user("owner@example.com");
    site("a.example", owner);
    site("b.example", owner);
    SiteImport first = await(store.createImport("a.example", owner.id(), 1_000L));
    SiteImport second = await(store.createImport("A.example", owner.id(), 2_000L));
    SiteImport elsewhere = await(store.createImport("b.example", owner.id(), 3_000L));
    assertThat(first.status()).isEqualTo(SiteImport.Status.RUNNING);
    assertThat(first.errors()).isEmpty();
    assertThat(first.updatedAt()).isEqualTo(1_000L);
    assertThat(first.finishedAt()).isNull();

    SiteImport failed = first.with(SiteImport.Status.FAILED, 10, 0,
        List.of(new SiteImport.FileError("imported_pages.csv", "line 3: pageviews: 'x' is not a whole number"),
            new SiteImport.FileError(null, "the zip holds no imported_*.csv files")),
        null, null, 1_500L, 1_600L);
    assertThat(await(store.updateImport(failed))).isTrue();
    SiteImport done = second.with(SiteImport.Status.DONE, 42, 42, List.of(), java.time.LocalDate.parse("2024-01-01"),
        java.time.LocalDate.parse("2024-01-31"), 2_500L, 2_600L);
    assertThat(await(store.updateImport(done))).isTrue();

    assertThat(await(store.findImport("a.example", first.id()))).contains(failed);
    assertThat(await(store.imports("a.example"))).containsExactly(done, failed);
    assertThat(await(store.findImport("b.example", first.id()))).isEmpty();
    assertThat(await(store.deleteImport("b.example", first.id()))).isFalse();
    assertThat(await(store.deleteImport("a.example", first.id()))).isTrue();
    assertThat(await(store.imports("a.example"))).containsExactly(done);

    await(store.deleteSite("a.example"));
    assertThat(await(store.imports("a.example"))).isEmpty();
    assertThat(await(store.imports("b.example"))).containsExactly(elsewhere);
  }

  // ---- team

  @Test
  @DisplayName("A share link keeps its password hash and expiry; an open one has neither")
  void shareLinkPasswordAndExpiry() throws Exception {
    User owner = user("owner@example.com");
    site("a.example", owner);
    ShareLink open = await(store.createShareLink("a.example", "open-hash", "open", owner.id()));
    ShareLink guarded = await(store.createShareLink("a.example", "guarded-hash", "guarded", owner.id(), "bcrypt-hash", 9_000L));
    assertThat(open.passwordProtected()).isFalse();
    assertThat(open.expiresAt()).isNull();
    assertThat(guarded.passwordHash()).isEqualTo("bcrypt-hash");
    assertThat(guarded.expiresAt()).isEqualTo(9_000L);
    assertThat(guarded.expiredAt(8_999L)).isFalse();
    assertThat(guarded.expiredAt(9_000L)).isTrue();
    assertThat(await(store.findShareLink("guarded-hash"))).contains(guarded);
    assertThat(await(store.shareLinks("a.example"))).containsExactly(open, guarded);
  }

  @Test
  @DisplayName("An API key's last use is recorded, and a use within a minute of it is not written again")
  void apiKeyLastUse() throws Exception {
    User owner = user("owner@example.com");
    site("a.example", owner);
    ApiKey key = await(store.createApiKey(owner.id(), "ci", "tf_1", "hash-use", List.of("a.example")));
    assertThat(key.lastUsedAt()).isNull();
    await(store.touchApiKey(key.id(), 100_000L));
    assertThat(await(store.findApiKey("hash-use"))).map(ApiKey::lastUsedAt).contains(100_000L);
    await(store.touchApiKey(key.id(), 159_999L));
    assertThat(await(store.apiKeys(owner.id()))).extracting(ApiKey::lastUsedAt).containsExactly(100_000L);
    await(store.touchApiKey(key.id(), 160_000L));
    assertThat(await(store.findApiKey("hash-use"))).map(ApiKey::lastUsedAt).contains(160_000L);
  }

  @Test
  @DisplayName("The first user is created as administrator only while no user exists")
  void firstUserOnlyOnce() throws Exception {
    Optional<User> first = await(store.createFirstUser("First@Example.com", "h1"));
    assertThat(first).map(User::email).contains("first@example.com");
    assertThat(first).map(User::instanceAdmin).contains(true);
    assertThat(await(store.createFirstUser("second@example.com", "h2"))).isEmpty();
    assertThat(await(store.listUsers())).extracting(User::email).containsExactly("first@example.com");
  }

  @Test
  @DisplayName("First-user requests at once create exactly one user")
  void firstUserRace() throws Exception {
    List<Future<Optional<User>>> attempts = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      attempts.add(store.createFirstUser("user-" + i + "@example.com", "h"));
    }
    await(Future.all(attempts));
    assertThat(attempts.stream().filter(f -> f.result().isPresent()).count()).isEqualTo(1);
    assertThat(await(store.countUsers())).isEqualTo(1L);
  }

  @Test
  @DisplayName("Acceptances of one invitation at once: exactly one joins, the others find it used, none fails")
  void acceptRace() throws Exception {
    User owner = user("owner@example.com");
    site("a.example", owner);
    List<User> guests = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      guests.add(user("guest-" + i + "@example.com"));
    }
    await(store.createInvitation("a.example", "guest@example.com", SiteRole.VIEWER, "race", owner.id(), 10_000L));
    List<Future<Optional<Member>>> attempts = new java.util.ArrayList<>();
    for (User guest : guests) {
      attempts.add(store.acceptInvitation("race", guest.id(), 1_000L));
    }
    attempts.add(store.acceptInvitationAsNewUser("race", "h", 1_000L));
    await(Future.all(attempts));
    assertThat(attempts.stream().filter(f -> f.result().isPresent()).count()).isEqualTo(1);
    assertThat(await(store.members("a.example"))).hasSize(2);
  }

  @Test
  @DisplayName("Deleting a user who owns sites is refused naming them, unless another user takes them over")
  void deleteUserOwningSites() throws Exception {
    User owner = user("owner@example.com");
    User heir = user("heir@example.com");
    site("b.example", owner);
    site("a.example", owner);
    await(store.putMember("a.example", heir.id(), SiteRole.VIEWER));

    UserRemoval refused = await(store.deleteUser(owner.id(), Optional.empty()));
    assertThat(refused.deleted()).isFalse();
    assertThat(refused.ownedSites()).containsExactly("a.example", "b.example");
    assertThat(await(store.findUser(owner.id()))).isPresent();

    UserRemoval done = await(store.deleteUser(owner.id(), Optional.of(heir.id())));
    assertThat(done.deleted()).isTrue();
    assertThat(await(store.findUser(owner.id()))).isEmpty();
    assertThat(await(store.members("a.example"))).extracting(Member::email, Member::role)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("heir@example.com", SiteRole.OWNER));
    assertThat(await(store.members("b.example"))).extracting(Member::email, Member::role)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("heir@example.com", SiteRole.OWNER));
    assertThat(await(store.deleteUser(owner.id(), Optional.empty()))).isEqualTo(UserRemoval.NOT_FOUND);
  }

  @Test
  @DisplayName("Deleting a user removes their memberships, API keys and sign-ins, and ends their access tokens")
  void deleteUserCleansUp() throws Exception {
    User owner = user("owner@example.com");
    User viewer = user("viewer@example.com");
    site("a.example", owner);
    await(store.putMember("a.example", viewer.id(), SiteRole.VIEWER));
    await(store.createApiKey(viewer.id(), "k", "tf_v", "viewer-key", List.of("a.example")));
    await(store.storeRefreshToken(new RefreshToken("viewer-refresh", viewer.id(), "fam", Long.MAX_VALUE, 0L)));
    assertThat(await(store.isSessionRevoked(viewer.id(), "jti", 1L))).isFalse();

    assertThat(await(store.deleteUser(viewer.id(), Optional.empty())).deleted()).isTrue();
    assertThat(await(store.members("a.example"))).extracting(Member::email).containsExactly("owner@example.com");
    assertThat(await(store.findApiKey("viewer-key"))).isEmpty();
    assertThat(await(store.rotateRefreshToken("viewer-refresh", "next", Long.MAX_VALUE, 1L))).isEmpty();
    assertThat(await(store.isSessionRevoked(viewer.id(), "jti", 1L))).isTrue();
    assertThat(await(store.listUsers())).extracting(User::email).containsExactly("owner@example.com");
  }

  @Test
  @DisplayName("Revoking a user's sessions refuses access tokens issued before the cut-off and drops all refresh tokens")
  void revokeSessions() throws Exception {
    User u = user("u@example.com");
    User other = user("other@example.com");
    await(store.storeRefreshToken(new RefreshToken("u-1", u.id(), "f1", Long.MAX_VALUE, 0L)));
    await(store.storeRefreshToken(new RefreshToken("u-2", u.id(), "f2", Long.MAX_VALUE, 0L)));
    await(store.storeRefreshToken(new RefreshToken("o-1", other.id(), "f3", Long.MAX_VALUE, 0L)));

    await(store.revokeSessions(u.id(), 5_000L));
    assertThat(await(store.isSessionRevoked(u.id(), "a", 4_999L))).isTrue();
    assertThat(await(store.isSessionRevoked(u.id(), "b", 5_000L))).isFalse();
    assertThat(await(store.isSessionRevoked(other.id(), "c", 1L))).isFalse();
    assertThat(await(store.rotateRefreshToken("u-1", "u-1b", Long.MAX_VALUE, 10L))).isEmpty();
    assertThat(await(store.rotateRefreshToken("u-2", "u-2b", Long.MAX_VALUE, 10L))).isEmpty();
    assertThat(await(store.rotateRefreshToken("o-1", "o-1b", Long.MAX_VALUE, 10L))).isPresent();

    await(store.revokeAccessToken("denied", Long.MAX_VALUE));
    assertThat(await(store.isSessionRevoked(u.id(), "denied", 6_000L))).isTrue();
  }

  @Test
  @DisplayName("A new password hash replaces the old one")
  void updatePassword() throws Exception {
    User u = user("u@example.com");
    assertThat(await(store.updatePassword(u.id(), "new-hash"))).isTrue();
    assertThat(await(store.findUser(u.id()))).map(User::passwordHash).contains("new-hash");
    assertThat(await(store.updatePassword(u.id() + 1000, "x"))).isFalse();
  }

  @Test
  @DisplayName("Transferring ownership leaves exactly one owner, the previous one as admin, and needs a member")
  void transferOwnership() throws Exception {
    User owner = user("owner@example.com");
    User admin = user("admin@example.com");
    User stranger = user("stranger@example.com");
    site("a.example", owner);
    await(store.putMember("a.example", admin.id(), SiteRole.ADMIN));
    assertThat(await(store.transferOwnership("a.example", stranger.id()))).isFalse();
    assertThat(await(store.transferOwnership("a.example", admin.id()))).isTrue();
    assertThat(await(store.members("a.example"))).extracting(Member::email, Member::role).containsExactly(
        org.assertj.core.groups.Tuple.tuple("admin@example.com", SiteRole.OWNER),
        org.assertj.core.groups.Tuple.tuple("owner@example.com", SiteRole.ADMIN));
    assertThat(await(store.transferOwnership("missing.example", admin.id()))).isFalse();
  }

  @Test
  @DisplayName("Invitations are listed per site, re-inviting replaces the pending one, and revoking removes it")
  void invitations() throws Exception {
    User owner = user("owner@example.com");
    site("a.example", owner);
    site("b.example", owner);
    Invitation first = await(store.createInvitation("a.example", "Guest@Example.com", SiteRole.VIEWER, "inv-1", owner.id(), 50_000L));
    assertThat(first.email()).isEqualTo("guest@example.com");
    assertThat(first.accepted()).isFalse();
    assertThat(await(store.findInvitation("inv-1"))).contains(first);
    Invitation again = await(store.createInvitation("a.example", "guest@example.com", SiteRole.ADMIN, "inv-2", owner.id(), 60_000L));
    assertThat(await(store.findInvitation("inv-1"))).isEmpty();
    await(store.createInvitation("b.example", "guest@example.com", SiteRole.VIEWER, "inv-3", owner.id(), 60_000L));
    assertThat(await(store.invitations("a.example"))).containsExactly(again);
    assertThatThrownBy(() -> await(store.createInvitation("b.example", "x@example.com", SiteRole.VIEWER, "inv-2", owner.id(), 1L)))
        .isInstanceOf(AccountConflictException.class);

    assertThat(await(store.deleteInvitation("b.example", again.id()))).isFalse();
    assertThat(await(store.deleteInvitation("a.example", again.id()))).isTrue();
    assertThat(await(store.invitations("a.example"))).isEmpty();
    assertThat(await(store.acceptInvitation("inv-2", owner.id(), 1_000L))).isEmpty();

    await(store.deleteSite("b.example"));
    assertThat(await(store.findInvitation("inv-3"))).isEmpty();
  }

  @Test
  @DisplayName("An invitation is accepted once, before it expires, and gives its role without weakening a stronger one")
  void acceptInvitation() throws Exception {
    User owner = user("owner@example.com");
    User guest = user("guest@example.com");
    site("a.example", owner);
    await(store.createInvitation("a.example", "guest@example.com", SiteRole.ADMIN, "inv", owner.id(), 10_000L));
    await(store.createInvitation("a.example", "late@example.com", SiteRole.VIEWER, "late", owner.id(), 10_000L));
    await(store.createInvitation("a.example", "owner@example.com", SiteRole.VIEWER, "own", owner.id(), 10_000L));

    Optional<Member> joined = await(store.acceptInvitation("inv", guest.id(), 9_999L));
    assertThat(joined).map(Member::role).contains(SiteRole.ADMIN);
    assertThat(joined).map(Member::email).contains("guest@example.com");
    assertThat(await(store.findInvitation("inv"))).map(Invitation::acceptedAt).contains(9_999L);
    assertThat(await(store.acceptInvitation("inv", guest.id(), 9_999L))).isEmpty();
    assertThat(await(store.acceptInvitationAsNewUser("late", "hash", 10_000L))).isEmpty();
    assertThat(await(store.findUserByEmail("late@example.com"))).isEmpty();
    assertThat(await(store.acceptInvitation("unknown", guest.id(), 1L))).isEmpty();

    assertThat(await(store.acceptInvitation("own", owner.id(), 1L))).map(Member::role).contains(SiteRole.OWNER);
    assertThat(await(store.invitations("a.example"))).extracting(Invitation::email).containsExactly("late@example.com");
  }

  @Test
  @DisplayName("Accepting as a new person creates the account with the invited email, once; an existing account conflicts")
  void acceptInvitationAsNewUser() throws Exception {
    User owner = user("owner@example.com");
    site("a.example", owner);
    await(store.createInvitation("a.example", "New@example.com", SiteRole.VIEWER, "new", owner.id(), 10_000L));
    Optional<Member> joined = await(store.acceptInvitationAsNewUser("new", "new-hash", 5_000L));
    assertThat(joined).map(Member::email).contains("new@example.com");
    User created = await(store.findUserByEmail("new@example.com")).orElseThrow();
    assertThat(created.passwordHash()).isEqualTo("new-hash");
    assertThat(created.instanceAdmin()).isFalse();
    assertThat(await(store.membership(created.id(), "a.example"))).map(SiteMembership::role).contains(SiteRole.VIEWER);
    assertThat(await(store.acceptInvitationAsNewUser("new", "other-hash", 5_001L))).isEmpty();

    await(store.createInvitation("a.example", "owner@example.com", SiteRole.VIEWER, "taken", owner.id(), 10_000L));
    assertThatThrownBy(() -> await(store.acceptInvitationAsNewUser("taken", "h", 5_000L)))
        .isInstanceOf(AccountConflictException.class);
    assertThat(await(store.findInvitation("taken"))).map(Invitation::accepted).contains(false);
  }
}
