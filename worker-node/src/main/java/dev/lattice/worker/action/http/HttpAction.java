package dev.lattice.worker.action.http;

import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.ToolSpec;
import dev.lattice.worker.action.ActionContext;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionRequest;
import dev.lattice.worker.action.ActionResult;
import dev.lattice.worker.action.AgentAction;
import dev.lattice.worker.secret.SecretResolver;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The built-in {@code http} action: one HTTP request to an allowed host, its response as the step's
 * output (docs/agents.md, "The http action").
 *
 * <p>Input {@code {method, url, headers, query, body, maxResponseBytes}} ({@link HttpInput});
 * output {@code {status, headers, body}}, the body parsed when the response is JSON ({@link
 * HttpOutcome}). Hosts are denied unless allow-listed, and non-public addresses unless named as
 * such ({@link HostAllowList}, {@link AddressGuard}). {@code ${secret:NAME}} in a header, the query
 * or the body is resolved here, on the worker, and scrubbed from what goes back. Every request
 * carries the step's effect key as {@code Idempotency-Key} unless the step sets its own. The call
 * is never retried here.
 *
 * <p>Nothing happens at construction: the HTTP client is made at the first call, on the agent's
 * actor system.
 */
public final class HttpAction implements AgentAction {
  /** The name it is registered under. */
  public static final String NAME = "http";

  private final HttpSettings settings;
  private final SecretResolver secrets;
  private final HostAllowList hosts;
  private final AddressGuard guard;
  private final SecretScopes scopes;
  private final Clock clock;
  private final AtomicReference<GuardedClient> client = new AtomicReference<>();

  public HttpAction(HttpSettings settings, SecretResolver secrets, Clock clock) {
    this.settings = settings;
    this.secrets = secrets;
    this.hosts = new HostAllowList(settings.allowedHosts(), settings.tenantHosts());
    this.guard = new AddressGuard(settings.allowedPrivateHosts());
    this.scopes = new SecretScopes(settings.secrets());
    this.clock = clock;
  }

  @Override
  public ToolSpec describe(String capability) {
    return HttpTool.SPEC;
  }

  @Override
  public CompletionStage<ActionResult> execute(ActionRequest request, ActionContext context) {
    if (context.system() == null) {
      return CompletableFuture.failedFuture(
          new ActionException(ErrorClass.AGENT_ERROR, "the http action needs an actor system"));
    }
    HttpInput input = new HttpInput(settings, hosts, secrets, scopes, context.json());
    HttpOutcome outcome = new HttpOutcome(context.json(), settings.errorExcerptChars());
    GuardedClient sender = client(context);
    // Reading the input may read secret files: off the caller's thread.
    return CompletableFuture.supplyAsync(() -> input.read(request), context.executor())
        .thenCompose(
            call ->
                sender
                    .send(call, request.deadline())
                    .thenApply(
                        answer -> ActionResult.of(outcome.output(call, answer, clock.instant()))))
        .handle(
            (result, failure) -> {
              if (failure == null) {
                return result;
              }
              Throwable cause =
                  failure instanceof CompletionException ? failure.getCause() : failure;
              throw cause instanceof ActionException known
                  ? new CompletionException(known)
                  : new CompletionException(
                      new ActionException(
                          ErrorClass.AGENT_ERROR,
                          "the http action failed: " + cause.getClass().getSimpleName()));
            });
  }

  private GuardedClient client(ActionContext context) {
    GuardedClient current = client.get();
    if (current != null && current.system() == context.system()) {
      return current;
    }
    GuardedClient made =
        new GuardedClient(context.system(), settings, guard, context.executor(), clock);
    client.set(made);
    return made;
  }
}
