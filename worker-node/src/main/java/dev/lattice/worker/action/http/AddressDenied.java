package dev.lattice.worker.action.http;

/**
 * Fails a connection attempt whose host resolved to an address the {@link AddressGuard} refuses;
 * the action reports it as {@code policy_denied}.
 */
final class AddressDenied extends RuntimeException {
  AddressDenied(String rule) {
    super(rule, null, false, false);
  }
}
