package dev.lattice.worker.secret;

import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.worker.action.ActionException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Secrets as files of one directory, as Kubernetes mounts a Secret: secret {@code NAME} is the file
 * {@code NAME}, its content trimmed. Names are plain words (the resolver checks them), so a lookup
 * never leaves the directory.
 */
public final class DirectorySecrets implements SecretProvider {
  private final Path directory;

  public DirectorySecrets(Path directory) {
    this.directory = directory;
  }

  @Override
  public String find(String name) {
    Path file = directory.resolve(name);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      String value = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (value.isEmpty()) {
        throw new ActionException(
            ErrorClass.AUTH, "secret '" + name + "': file " + file + " is empty");
      }
      return value;
    } catch (IOException e) {
      // The exception's message names the file only; it is left out all the same.
      throw new ActionException(
          ErrorClass.AUTH,
          "secret '"
              + name
              + "': cannot read file "
              + file
              + " ("
              + e.getClass().getSimpleName()
              + ")");
    }
  }

  @Override
  public String where(String name) {
    return "file " + directory.resolve(name);
  }
}
