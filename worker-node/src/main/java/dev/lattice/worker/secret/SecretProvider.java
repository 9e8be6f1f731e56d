package dev.lattice.worker.secret;

/**
 * One place secrets are kept: the node's environment, a directory of files. A {@link
 * SecretResolver} asks its providers in order; the first that holds a name answers.
 */
public interface SecretProvider {
  /**
   * The value of the secret {@code name} (a checked, plain name), or null when this provider does
   * not hold it. May block: it may read a file.
   *
   * @throws dev.lattice.worker.action.ActionException {@code auth} when it holds the secret but
   *     cannot give it (an empty or unreadable file), naming where, never a value
   */
  String find(String name);

  /** Where this provider looks for {@code name}, for people: {@code environment variable X}. */
  String where(String name);
}
