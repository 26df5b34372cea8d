package io.trackflow.query.site;

import static io.trackflow.query.QueryStack.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.query.QueryStack;
import io.trackflow.query.account.Site;
import io.trackflow.query.account.SiteRole;
import io.trackflow.query.account.User;
import io.trackflow.query.auth.Secrets;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("A site's people: invitations, roles and ownership")
class TeamApiTest {

  private static final String SITE = "team.example";

  @TempDir
  Path dir;

  private QueryStack stack;
  private User owner;
  private String ownerToken;

  @BeforeEach
  void start() throws Exception {
    stack = QueryStack.start(dir, false);
    owner = user("owner@example.com");
    ownerToken = token(owner);
    await(stack.store.createSite(new Site(SITE, "Team", "UTC", 1L), owner.id()));
  }

  @AfterEach
  void stop() throws Exception {
    stack.close();
  }

  private User user(String email) throws Exception {
    return await(stack.store.createUser(email, await(stack.assembly.hasher().hash("password of " + email)), false));
  }

  private String token(User user) {
    return stack.assembly.tokens().issue(user.id(), user.email()).token();
  }

  private JsonObject invite(String email, String role) throws Exception {
    HttpResponse<Buffer> created = stack.call(HttpMethod.POST, "/api/sites/" + SITE + "/invitations", ownerToken,
        new JsonObject().put("email", email).put("role", role));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    return created.bodyAsJsonObject();
  }

  private HttpResponse<Buffer> accept(String token, String bearer, String password) throws Exception {
    JsonObject body = new JsonObject().put("token", token);
    if (password != null) {
      body.put("password", password);
    }
    return stack.call(HttpMethod.POST, "/api/invitations/accept", bearer, body);
  }

  private static String code(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getString("code");
  }

  private List<String> members() throws Exception {
    JsonArray list = stack.call(HttpMethod.GET, "/api/sites/" + SITE + "/members", ownerToken, null).bodyAsJsonArray();
    return list.stream().map(o -> ((JsonObject) o).getString("email") + ":" + ((JsonObject) o).getString("role")).toList();
  }

  @Test
  @DisplayName("An invitation link is shown once, valid for 7 days, kept only as a hash, and listed until accepted")
  void inviteShowsLinkOnce() throws Exception {
    JsonObject invitation = invite("Guest@Example.com", "viewer");
    String token = invitation.getString("token");
    assertThat(invitation.getString("path")).isEqualTo("/invite#" + token);
    assertThat(invitation.getString("email")).isEqualTo("guest@example.com");
    assertThat(invitation.getBoolean("mailed")).isFalse();
    Duration validity = Duration.between(Instant.now(), Instant.parse(invitation.getString("expires_at")));
    assertThat(validity).isBetween(Duration.ofDays(7).minusMinutes(1), Duration.ofDays(7));
    assertThat(await(stack.store.findInvitation(token))).isEmpty();
    assertThat(await(stack.store.findInvitation(Secrets.sha256(token)))).isPresent();

    HttpResponse<Buffer> listed = stack.call(HttpMethod.GET, "/api/sites/" + SITE + "/invitations", ownerToken, null);
    assertThat(listed.bodyAsJsonArray()).hasSize(1);
    assertThat(listed.bodyAsString()).doesNotContain(token);

    JsonObject preview = stack.call(HttpMethod.POST, "/api/invitations/preview", null,
        new JsonObject().put("token", token)).bodyAsJsonObject();
    assertThat(preview.getString("domain")).isEqualTo(SITE);
    assertThat(preview.getString("site_name")).isEqualTo("Team");
    assertThat(preview.getString("role")).isEqualTo("viewer");
    assertThat(preview.getBoolean("account_exists")).isFalse();
  }

  @Test
  @DisplayName("A new person accepts by setting a password, is signed in, sees only that site, and the link works once")
  void newPersonAcceptsOnce() throws Exception {
    await(stack.store.createSite(new Site("private.example", "Private", "UTC", 1L), owner.id()));
    String token = invite("new@example.com", "viewer").getString("token");

    assertThat(code(accept(token, null, null))).isEqualTo("invalid_request");
    assertThat(code(accept(token, null, "short"))).isEqualTo("invalid_request");
    HttpResponse<Buffer> accepted = accept(token, null, "a new password");
    assertThat(accepted.statusCode()).as(accepted.bodyAsString()).isEqualTo(201);
    String session = accepted.bodyAsJsonObject().getString("token");
    assertThat(accepted.bodyAsJsonObject().getJsonObject("member").getString("role")).isEqualTo("viewer");

    JsonArray sites = stack.call(HttpMethod.GET, "/api/sites", session, null).bodyAsJsonArray();
    assertThat(sites).hasSize(1);
    assertThat(sites.getJsonObject(0).getString("domain")).isEqualTo(SITE);
    assertThat(sites.getJsonObject(0).getString("role")).isEqualTo("viewer");
    assertThat(stack.call(HttpMethod.POST, "/api/auth/login", null,
        new JsonObject().put("email", "new@example.com").put("password", "a new password")).statusCode()).isEqualTo(200);

    HttpResponse<Buffer> again = accept(token, null, "another password");
    assertThat(again.statusCode()).isEqualTo(410);
    assertThat(code(again)).isEqualTo("invitation_used");
    assertThat(stack.call(HttpMethod.POST, "/api/invitations/preview", null, new JsonObject().put("token", token))
        .statusCode()).isEqualTo(410);
    assertThat(stack.call(HttpMethod.GET, "/api/sites/" + SITE + "/invitations", ownerToken, null).bodyAsJsonArray())
        .isEmpty();
    assertThat(members()).containsExactly("new@example.com:viewer", "owner@example.com:owner");
  }

  @Test
  @DisplayName("Someone with an account accepts only while signed in as the invited email")
  void existingUserAcceptsSignedIn() throws Exception {
    User guest = user("guest@example.com");
    User other = user("other@example.com");
    String token = invite("guest@example.com", "admin").getString("token");
    assertThat(stack.call(HttpMethod.POST, "/api/invitations/preview", null, new JsonObject().put("token", token))
        .bodyAsJsonObject().getBoolean("account_exists")).isTrue();

    HttpResponse<Buffer> anonymous = accept(token, null, "some password");
    assertThat(anonymous.statusCode()).isEqualTo(409);
    assertThat(code(anonymous)).isEqualTo("sign_in_required");
    HttpResponse<Buffer> wrongPerson = accept(token, token(other), null);
    assertThat(wrongPerson.statusCode()).isEqualTo(403);
    assertThat(code(wrongPerson)).isEqualTo("invitation_for_another_email");

    HttpResponse<Buffer> accepted = accept(token, token(guest), null);
    assertThat(accepted.statusCode()).as(accepted.bodyAsString()).isEqualTo(200);
    assertThat(accepted.bodyAsJsonObject().getString("role")).isEqualTo("admin");
    assertThat(await(stack.store.membership(guest.id(), SITE)).orElseThrow().role()).isEqualTo(SiteRole.ADMIN);
    assertThat(accept(token, token(guest), null).statusCode()).isEqualTo(410);
  }

  @Test
  @DisplayName("Revoked, expired and unknown invitation tokens are refused, each with its reason")
  void revokedAndExpiredRefused() throws Exception {
    JsonObject revoked = invite("revoked@example.com", "viewer");
    assertThat(stack.call(HttpMethod.DELETE, "/api/sites/" + SITE + "/invitations/" + revoked.getLong("id"), ownerToken, null)
        .statusCode()).isEqualTo(204);
    HttpResponse<Buffer> afterRevoke = accept(revoked.getString("token"), null, "a new password");
    assertThat(afterRevoke.statusCode()).isEqualTo(404);
    assertThat(code(afterRevoke)).isEqualTo("invitation_not_found");
    assertThat(await(stack.store.findUserByEmail("revoked@example.com"))).isEmpty();
    assertThat(stack.call(HttpMethod.DELETE, "/api/sites/" + SITE + "/invitations/" + revoked.getLong("id"), ownerToken, null)
        .statusCode()).isEqualTo(404);

    String expired = Secrets.randomToken();
    await(stack.store.createInvitation(SITE, "late@example.com", SiteRole.VIEWER, Secrets.sha256(expired), owner.id(),
        System.currentTimeMillis() - 1));
    HttpResponse<Buffer> late = accept(expired, null, "a new password");
    assertThat(late.statusCode()).isEqualTo(410);
    assertThat(code(late)).isEqualTo("invitation_expired");
    assertThat(await(stack.store.findUserByEmail("late@example.com"))).isEmpty();
    assertThat(stack.call(HttpMethod.GET, "/api/sites/" + SITE + "/invitations", ownerToken, null).bodyAsJsonArray()
        .getJsonObject(0).getBoolean("expired")).isTrue();

    assertThat(code(accept(Secrets.randomToken(), null, "a new password"))).isEqualTo("invitation_not_found");
  }

  @Test
  @DisplayName("Invitations give viewer or admin, never owner, and not to someone who is already a member")
  void invitationRoles() throws Exception {
    assertThat(stack.call(HttpMethod.POST, "/api/sites/" + SITE + "/invitations", ownerToken,
        new JsonObject().put("email", "x@example.com").put("role", "owner")).statusCode()).isEqualTo(400);
    HttpResponse<Buffer> member = stack.call(HttpMethod.POST, "/api/sites/" + SITE + "/invitations", ownerToken,
        new JsonObject().put("email", "owner@example.com").put("role", "viewer"));
    assertThat(member.statusCode()).isEqualTo(409);
    assertThat(code(member)).isEqualTo("already_member");
    String first = invite("twice@example.com", "viewer").getString("token");
    String second = invite("twice@example.com", "admin").getString("token");
    assertThat(accept(first, null, "a new password").statusCode()).isEqualTo(404);
    assertThat(accept(second, null, "a new password").statusCode()).isEqualTo(201);
    assertThat(members()).contains("twice@example.com:admin");
  }

  @Test
  @DisplayName("Roles change between viewer and admin; the one owner is neither re-roled nor removed, only transferred")
  void rolesAndOwnership() throws Exception {
    User admin = user("admin@example.com");
    User viewer = user("viewer@example.com");
    await(stack.store.putMember(SITE, admin.id(), SiteRole.ADMIN));
    await(stack.store.putMember(SITE, viewer.id(), SiteRole.VIEWER));
    String adminToken = token(admin);

    HttpResponse<Buffer> promoted = stack.call(HttpMethod.PATCH, "/api/sites/" + SITE + "/members/Viewer@example.com",
        adminToken, new JsonObject().put("role", "admin"));
    assertThat(promoted.statusCode()).isEqualTo(200);
    assertThat(promoted.bodyAsJsonObject().getString("role")).isEqualTo("admin");
    assertThat(stack.call(HttpMethod.PATCH, "/api/sites/" + SITE + "/members/viewer@example.com", adminToken,
        new JsonObject().put("role", "owner")).statusCode()).isEqualTo(400);
    HttpResponse<Buffer> ownerRerole = stack.call(HttpMethod.PATCH, "/api/sites/" + SITE + "/members/owner@example.com",
        adminToken, new JsonObject().put("role", "viewer"));
    assertThat(ownerRerole.statusCode()).isEqualTo(409);
    assertThat(code(ownerRerole)).isEqualTo("owner_stays");
    assertThat(code(stack.call(HttpMethod.DELETE, "/api/sites/" + SITE + "/members/owner@example.com", ownerToken, null)))
        .isEqualTo("owner_stays");
    assertThat(stack.call(HttpMethod.PATCH, "/api/sites/" + SITE + "/members/nobody@example.com", adminToken,
        new JsonObject().put("role", "viewer")).statusCode()).isEqualTo(404);

    assertThat(stack.call(HttpMethod.POST, "/api/sites/" + SITE + "/transfer-ownership", adminToken,
        new JsonObject().put("email", "admin@example.com")).statusCode()).isEqualTo(403);
    assertThat(stack.call(HttpMethod.POST, "/api/sites/" + SITE + "/transfer-ownership", ownerToken,
        new JsonObject().put("email", "stranger@example.com")).statusCode()).isEqualTo(404);
    HttpResponse<Buffer> transferred = stack.call(HttpMethod.POST, "/api/sites/" + SITE + "/transfer-ownership", ownerToken,
        new JsonObject().put("email", "admin@example.com"));
    assertThat(transferred.statusCode()).isEqualTo(200);
    assertThat(members()).containsExactly("admin@example.com:owner", "owner@example.com:admin", "viewer@example.com:admin");
    assertThat(stack.call(HttpMethod.DELETE, "/api/sites/" + SITE, ownerToken, null).statusCode()).isEqualTo(403);

    assertThat(stack.call(HttpMethod.DELETE, "/api/sites/" + SITE + "/members/viewer@example.com", ownerToken, null)
        .statusCode()).isEqualTo(204);
    assertThat(members()).containsExactly("admin@example.com:owner", "owner@example.com:admin");
  }
}
