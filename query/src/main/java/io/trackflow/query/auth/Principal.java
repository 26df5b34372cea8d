package io.trackflow.query.auth;

import java.util.Set;

/** Who is calling: nobody, a signed-in user, an API key or a share link. */
public sealed interface Principal {

  /** No credential was presented. */
  record Anonymous() implements Principal {}

  /** A user holding a valid access token. */
  record UserSession(long userId, String email, String jti, long expiresAt) implements Principal {}

  /** An API key of a user, limited to some sites and to reading. */
  record Key(long keyId, long userId, Set<String> sites) implements Principal {}

  /** A share link: reads exactly one site's stats. */
  record Share(long shareId, String domain) implements Principal {}

  Anonymous ANONYMOUS = new Anonymous();
}
