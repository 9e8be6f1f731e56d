package dev.lattice.persistence.journal;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A database user and its password, and the owner-only file the password is kept in. Its string
 * form leaves the password out, so that printing or logging it reveals nothing.
 */
public final class JournalCredentials {
  private final String user;
  private final String password;
  private final Path passwordFile;

  /**
   * @param passwordFile where the password is kept
   */
  public JournalCredentials(String user, String password, Path passwordFile) {
    this.user = Objects.requireNonNull(user, "user");
    this.password = Objects.requireNonNull(password, "password");
    this.passwordFile = Objects.requireNonNull(passwordFile, "passwordFile");
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  public Path passwordFile() {
    return passwordFile;
  }

  @Override
  public String toString() {
    return "JournalCredentials[user=" + user + ", passwordFile=" + passwordFile + "]";
  }
}
