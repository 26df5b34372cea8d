package io.trackflow.query.account;

import java.util.List;

/**
 * A programmatic credential of one user, limited to some sites. Only its SHA-256 is stored; the
 * prefix (first characters of the key) lets people tell their keys apart. {@code lastUsedAt} is
 * null until first use and then kept to the minute.
 */
public record ApiKey(long id, long userId, String name, String prefix, List<String> sites, long createdAt,
    Long lastUsedAt) {

  public ApiKey {
    sites = List.copyOf(sites);
  }
}
