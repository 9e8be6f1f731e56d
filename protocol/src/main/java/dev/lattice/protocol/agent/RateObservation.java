package dev.lattice.protocol.agent;

import dev.lattice.protocol.CborSerializable;

/**
 * What a model provider's rate-limit headers said in answer to a call: where the caller stands
 * against the provider's limits for one model. A quantity the provider did not report is null.
 *
 * @param provider the provider's configured name
 * @param model the model called
 * @param requests the requests' limit, remaining and reset
 * @param tokens the tokens' limit, remaining and reset
 */
public record RateObservation(String provider, String model, Quota requests, Quota tokens)
    implements CborSerializable {

  /**
   * One limited quantity as reported.
   *
   * @param limit what the provider's window allows
   * @param remaining what is left of it now
   * @param resetMs how long until the window is whole again, in milliseconds
   */
  public record Quota(long limit, long remaining, long resetMs) implements CborSerializable {}

  /** Whether it reports anything. */
  public boolean reportsAny() {
    return requests != null || tokens != null;
  }
}
