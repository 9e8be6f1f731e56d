package dev.lattice.persistence.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;

/** Ports on loopback that nothing listens on, for servers a test starts. */
public final class FreePorts {
  /** Where {@link #range} looks: above most well-known ports, below the usual ephemeral range. */
  private static final int RANGE_LOW = 20_000;

  private static final int RANGE_HIGH = 60_000;

  private static final int RANGE_ATTEMPTS = 100;

  private FreePorts() {}

  /** A port nothing listens on now (the system's choice). */
  public static int next() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  /** The first of {@code count} consecutive ports nothing listens on now, from a random place. */
  public static int range(int count) {
    for (int attempt = 0; attempt < RANGE_ATTEMPTS; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(RANGE_LOW, RANGE_HIGH);
      if (IntStream.range(base, base + count).allMatch(FreePorts::isFree)) {
        return base;
      }
    }
    throw new IllegalStateException("no " + count + " consecutive free ports found");
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
