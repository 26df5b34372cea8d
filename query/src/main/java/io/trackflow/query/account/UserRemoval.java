package io.trackflow.query.account;

import java.util.List;

/**
 * What deleting a user did: nothing when the user was not found; refused, naming the sites they
 * own, when those sites would be left without an owner; otherwise the user is gone.
 */
public record UserRemoval(boolean found, List<String> ownedSites) {

  public UserRemoval {
    ownedSites = List.copyOf(ownedSites);
  }

  public boolean deleted() {
    return found && ownedSites.isEmpty();
  }

  public static final UserRemoval NOT_FOUND = new UserRemoval(false, List.of());
  public static final UserRemoval DELETED = new UserRemoval(true, List.of());
}
