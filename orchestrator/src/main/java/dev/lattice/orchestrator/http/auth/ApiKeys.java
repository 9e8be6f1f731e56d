package dev.lattice.orchestrator.http.auth;

import dev.lattice.orchestrator.policy.PolicyAudit;
import dev.lattice.persistence.auth.ApiKeyRow;
import dev.lattice.persistence.auth.JdbcAuthStore;
import dev.lattice.protocol.ids.TenantId;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API keys of a cluster, in the journal's database ({@link JdbcAuthStore}): created, listed,
 * expired and revoked by admins, and checked on every request.
 *
 * <p>Checking a key is the hot path of every request, so a node remembers what it read about each
 * key for {@code lattice.http.auth.keys.cache-ttl}: a key revoked on another node stops working
 * here within that time (on the node that revoked it, at once). Expiry is exact: a remembered key
 * is checked against its expiry on every use. Unknown keys are remembered for a shorter time, so
 * that a client trying keys costs the database one read per key and interval at most; concurrent
 * requests with the same unknown key share one read.
 *
 * <p>Every change of a key (created, revoked, made to expire) is recorded in the policy audit chain
 * with who made it, the key's id (never the key) and, as the version, the key's id and the time of
 * the change.
 */
public final class ApiKeys {
  /** The id of the admin key the first start of a cluster creates: at most one ever is. */
  public static final String BOOTSTRAP_ID = "key_bootstrap-admin";

  private static final Logger log = LoggerFactory.getLogger(ApiKeys.class);

  private static final int NAME_MAX = 200;

  private record Known(ApiKeyRow row, Principal principal) {}

  private static final Known UNKNOWN = new Known(null, null);

  /** Where a key read by its id is cached: no hash (hex digits) begins so. */
  private static final String ID_SLOT = "id:";

  private final JdbcAuthStore store;
  private final Executor blocking;
  private final AuthSettings settings;
  private final Clock clock;
  private final PolicyAudit audit;
  private final ExpiringCache<String, Known> known;
  private final ConcurrentHashMap<String, CompletableFuture<Known>> reading =
      new ConcurrentHashMap<>();

  /**
   * @param blocking runs the database's calls: a dispatcher meant for blocking work
   * @param audit records every change of a key
   */
  public ApiKeys(
      JdbcAuthStore store,
      Executor blocking,
      AuthSettings settings,
      Clock clock,
      PolicyAudit audit) {
    this.store = store;
    this.blocking = blocking;
    this.settings = settings;
    this.clock = clock;
    this.audit = audit;
    this.known = new ExpiringCache<>(settings.keyCacheMaxEntries());
  }

  /**
   * The principal of {@code key}: empty for a key that does not exist, has expired or was revoked.
   * Completes at once for a key this node has read recently.
   */
  public CompletionStage<Optional<Principal>> verify(String key) {
    if (!KeyMaterial.looksLikeKey(key)) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    String hash = KeyMaterial.hash(key);
    return cached(hash, () -> store.findByHash(hash)).thenApply(this::active);
  }

  /**
   * The principal of the key with id {@code id}, as {@link #verify} gives it for the key itself:
   * how a dashboard session signed in with a key checks, at each use, that the key still holds
   * (revoked or expired, the session ends) and what roles it has now.
   */
  public CompletionStage<Optional<Principal>> verifyId(String id) {
    // Cached beside the keys' hashes (hex digits only), so revoking the key forgets it too.
    return cached(ID_SLOT + id, () -> store.find(id)).thenApply(this::active);
  }

  /**
   * What the cache holds under {@code slot}, or else what {@code find} reads (once, however many
   * ask meanwhile), put in the cache. Completes at once for a key this node has read recently.
   */
  private CompletableFuture<Known> cached(String slot, Sql<Optional<ApiKeyRow>> find) {
    Known cached = known.get(slot);
    if (cached != null) {
      return CompletableFuture.completedFuture(cached);
    }
    CompletableFuture<Known> mine = new CompletableFuture<>();
    CompletableFuture<Known> pending = reading.putIfAbsent(slot, mine);
    if (pending != null) {
      return pending;
    }
    blocking.execute(() -> read(slot, find, mine));
    return mine;
  }

  /** Reads the key {@code find} finds into the cache under {@code slot}, then completes result. */
  private void read(String slot, Sql<Optional<ApiKeyRow>> find, CompletableFuture<Known> result) {
    try {
      Known found = blockingCall(find).map(ApiKeys::known).orElse(UNKNOWN);
      known.put(
          slot,
          found,
          (found == UNKNOWN ? settings.unknownKeyCacheTtl() : settings.keyCacheTtl()).toNanos());
      result.complete(found);
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
    } finally {
      reading.remove(slot, result);
    }
  }

  private Optional<Principal> active(Known key) {
    return key.row() != null && key.row().activeAt(clock.instant())
        ? Optional.of(key.principal())
        : Optional.empty();
  }

  private static Known known(ApiKeyRow row) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    row.roles().forEach(role -> roles.add(Role.fromWire(role)));
    TenantId tenant = row.tenant() == null ? null : TenantId.of(row.tenant());
    return new Known(row, new Principal(row.id(), Principal.Source.API_KEY, tenant, roles));
  }

  /**
   * Creates a key as {@code request} says, on behalf of {@code asker}, who may create keys only of
   * the tenants it sees: an admin of one tenant cannot create a key of another, nor of every
   * tenant. Fails with {@link InvalidKeyRequestException} for a request that cannot be met.
   */
  public CompletionStage<CreatedApiKey> create(Principal asker, NewApiKey request) {
    require(asker);
    Set<Role> roles = roles(request.roles());
    TenantId tenant = tenant(request.tenant(), asker);
    if (tenant == null && !roles.contains(Role.ADMIN)) {
      throw new InvalidKeyRequestException(
          "a key of every tenant (tenant '*') must have the admin role", "roles");
    }
    if (tenant == null ? !asker.allTenants() : !asker.sees(tenant)) {
      throw new ForbiddenException(asker.name() + " may create keys of its own tenant only");
    }
    if (request.name() != null && request.name().length() > NAME_MAX) {
      throw new InvalidKeyRequestException(
          "name is longer than " + NAME_MAX + " characters", "name");
    }
    Instant now = clock.instant();
    if (request.expiresAt() != null && !request.expiresAt().isAfter(now)) {
      throw new InvalidKeyRequestException("expiresAt must be in the future", "expiresAt");
    }
    String key = KeyMaterial.newKey();
    ApiKeyRow row =
        new ApiKeyRow(
            KeyMaterial.newId(),
            KeyMaterial.hash(key),
            tenant == null ? null : tenant.value(),
            roles.stream().map(Role::wire).toList(),
            request.name(),
            asker.name(),
            now,
            request.expiresAt(),
            null);
    return CompletableFuture.supplyAsync(
            () -> {
              if (!blockingCall(() -> store.insert(row))) {
                throw new IllegalStateException("a key with the same id exists: try again");
              }
              return new CreatedApiKey(key, ApiKeyView.of(row, now));
            },
            blocking)
        .thenCompose(
            created ->
                audited(asker.name(), "created API key " + describe(row), row.id(), now)
                    .thenApply(done -> created));
  }

  /** The keys {@code asker} may see, of {@code tenant} only when given; oldest first. */
  public CompletionStage<List<ApiKeyView>> list(Principal asker, TenantId tenant) {
    require(asker);
    if (tenant != null && !asker.sees(tenant)) {
      return CompletableFuture.completedFuture(List.of());
    }
    String only =
        tenant != null ? tenant.value() : asker.allTenants() ? null : asker.tenant().value();
    return CompletableFuture.supplyAsync(
        () -> {
          Instant now = clock.instant();
          List<ApiKeyView> views = new ArrayList<>();
          for (ApiKeyRow row : blockingCall(() -> store.list(only))) {
            views.add(ApiKeyView.of(row, now));
          }
          return views;
        },
        blocking);
  }

  /** The key {@code id}, if {@code asker} may see it. */
  public CompletionStage<Optional<ApiKeyView>> find(Principal asker, String id) {
    require(asker);
    return CompletableFuture.supplyAsync(
        () -> visible(asker, id).map(row -> ApiKeyView.of(row, clock.instant())), blocking);
  }

  /**
   * Revokes the key {@code id} now; the key as it is then, or empty if {@code asker} sees no such
   * key. Revoking it again changes nothing.
   */
  public CompletionStage<Optional<ApiKeyView>> revoke(Principal asker, String id) {
    require(asker);
    return change(asker, id, "revoked API key " + id, now -> store.revoke(id, now));
  }

  /**
   * Makes the key {@code id} expire at {@code at} (now when null), unless it expires earlier; the
   * key as it is then, or empty if {@code asker} sees no such key.
   */
  public CompletionStage<Optional<ApiKeyView>> expire(Principal asker, String id, Instant at) {
    require(asker);
    return change(
        asker,
        id,
        "made API key " + id + " expire at " + (at == null ? "now" : at.toString()),
        now -> store.expire(id, at == null ? now : at));
  }

  private CompletionStage<Optional<ApiKeyView>> change(
      Principal asker, String id, String what, Change change) {
    Instant now = clock.instant();
    return CompletableFuture.supplyAsync(
            () -> {
              if (visible(asker, id).isEmpty()) {
                return new Changed(false, Optional.<ApiKeyView>empty());
              }
              boolean changed = blockingCall(() -> change.apply(now));
              // This node stops accepting it at once; the others within the cache's time to live.
              known.removeIf(k -> k.row() != null && k.row().id().equals(id));
              return new Changed(
                  changed,
                  blockingCall(() -> store.find(id))
                      .map(row -> ApiKeyView.of(row, clock.instant())));
            },
            blocking)
        .thenCompose(
            result ->
                result.changed()
                    ? audited(asker.name(), what, id, now).thenApply(done -> result.key())
                    : CompletableFuture.completedFuture(result.key()));
  }

  private record Changed(boolean changed, Optional<ApiKeyView> key) {}

  /**
   * Records a change in the policy chain. A key that changed stays changed when that fails (the
   * database took it; a created key is shown only now), so the failure is logged, not answered.
   */
  private CompletionStage<Done> audited(String actor, String what, String id, Instant at) {
    return audit
        .record(actor, what, id + "@" + at)
        .exceptionally(
            e -> {
              log.error("a change of API keys is not in the policy audit chain: {}", what, e);
              return Done.getInstance();
            });
  }

  private static String describe(ApiKeyRow row) {
    return row.id()
        + " (tenant "
        + (row.tenant() == null ? ApiKeyView.ALL_TENANTS : row.tenant())
        + ", roles "
        + String.join(",", row.roles())
        + (row.expiresAt() == null ? "" : ", expires at " + row.expiresAt())
        + ")";
  }

  /**
   * Creates the cluster's first admin key, of every tenant, unless it was created before (by this
   * node or another of the cluster, at any time); the key, or empty. Blocks.
   */
  public Optional<String> bootstrapAdmin() {
    String key = KeyMaterial.newKey();
    return bootstrapAdmin(key) ? Optional.of(key) : Optional.empty();
  }

  /**
   * Registers {@code key} as the cluster's first admin key, of every tenant, unless one was created
   * before; whether it was registered now. Blocks.
   */
  public boolean bootstrapAdmin(String key) {
    return createAdmin(BOOTSTRAP_ID, key, "registered at the cluster's first start");
  }

  /** Creates another admin key of every tenant, for a lost one. Blocks. */
  public String renewAdmin() {
    String key = KeyMaterial.newKey();
    if (!createAdmin(KeyMaterial.newId(), key, "created at a start with a new admin key")) {
      throw new IllegalStateException("a key with the same id exists: try again");
    }
    return key;
  }

  private boolean createAdmin(String id, String key, String name) {
    Instant now = clock.instant();
    ApiKeyRow row =
        new ApiKeyRow(
            id,
            KeyMaterial.hash(key),
            null,
            List.of(Role.ADMIN.wire()),
            name,
            "lattice",
            now,
            null,
            null);
    if (!blockingCall(() -> store.insert(row))) {
      return false;
    }
    audited("lattice", "created API key " + describe(row) + ", " + name, id, now)
        .toCompletableFuture()
        .join();
    return true;
  }

  private Optional<ApiKeyRow> visible(Principal asker, String id) {
    return blockingCall(() -> store.find(id))
        .filter(row -> asker.allTenants() || asker.tenant().value().equals(row.tenant()));
  }

  private static void require(Principal asker) {
    if (!asker.may(Permission.MANAGE_KEYS)) {
      throw new ForbiddenException(asker.name() + " may not manage keys (admins only)");
    }
  }

  private static Set<Role> roles(List<String> names) {
    if (names.isEmpty()) {
      throw new InvalidKeyRequestException(
          "roles is required: one or more of admin, operator, submitter, viewer", "roles");
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String name : names) {
      try {
        roles.add(Role.fromWire(name == null ? "" : name));
      } catch (IllegalArgumentException e) {
        throw new InvalidKeyRequestException(e.getMessage(), "roles");
      }
    }
    return roles;
  }

  /** The tenant a new key sees: null for every tenant; the asker's own when none is named. */
  private static TenantId tenant(String requested, Principal asker) {
    if (requested == null || requested.isBlank()) {
      if (asker.allTenants()) {
        throw new InvalidKeyRequestException(
            "tenant is required: a tenant, or * for every tenant", "tenant");
      }
      return asker.tenant();
    }
    if (ApiKeyView.ALL_TENANTS.equals(requested)) {
      return null;
    }
    try {
      return TenantId.of(requested);
    } catch (IllegalArgumentException e) {
      throw new InvalidKeyRequestException(e.getMessage(), "tenant");
    }
  }

  private static <T> T blockingCall(Sql<T> call) {
    try {
      return call.run();
    } catch (SQLException e) {
      throw new CompletionException(
          new AuthStoreException(
              "the API keys could not be read or written: " + e.getMessage(), e));
    }
  }

  private interface Sql<T> {
    T run() throws SQLException;
  }

  private interface Change {
    boolean apply(Instant now) throws SQLException;
  }

  /** The database of the keys did not answer: the request is answered with 503, not 401. */
  public static final class AuthStoreException extends RuntimeException {
    AuthStoreException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
