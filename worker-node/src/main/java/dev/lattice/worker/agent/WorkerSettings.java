package dev.lattice.worker.agent;

import com.typesafe.config.Config;
import dev.lattice.protocol.agent.ToolSpec;
import dev.lattice.protocol.json.PayloadLimits;
import dev.lattice.protocol.redact.Redactor;
import dev.lattice.worker.action.ShellSettings;
import dev.lattice.worker.action.WorkspaceSettings;
import dev.lattice.worker.action.http.HttpSettings;
import dev.lattice.worker.action.llm.LlmSettings;
import dev.lattice.worker.action.retrieval.RetrievalSettings;
import dev.lattice.worker.secret.SecretSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code lattice.worker} settings.
 *
 * @param nodeName prefix of the cluster-wide ids of this node's agents
 * @param agents the agents to start
 * @param resultRetention results each agent keeps for answering repeated assignments
 * @param snapshotEvery an agent snapshots its state after this many events
 * @param actionDispatcher the dispatcher actions run on
 * @param shell the settings of the built-in shell action
 * @param recordDelay how long a result may wait to be recorded with later ones
 * @param recordBatch results that are recorded at once without waiting
 * @param heartbeatsPerTimeout heartbeats passed on to the run per heartbeat timeout, at most
 * @param breaker when the agents' circuit breakers open and for how long
 * @param vacancyHold how long a full agent holds a freed slot for the next sender in line
 * @param drainTimeout how long a leaving node waits for its agents' work in flight to finish
 * @param payloadLimits how deep and large an action's output may be
 * @param llm the settings of the built-in llm action ({@code lattice.llm})
 * @param tools capabilities described as tools by configuration ({@code lattice.worker.tools}),
 *     over what their actions say
 * @param http the settings of the built-in http action ({@code lattice.http})
 * @param secrets where {@code ${secret:NAME}} references are resolved ({@code lattice.secrets})
 * @param redaction what actions' outputs and error messages lose before they are recorded ({@code
 *     lattice.redaction})
 * @param workspace the runs' workspaces, where {@code files.write} writes and shell steps may run
 * @param retrieval the settings of the built-in split, embed and vector actions
 * @param runLog how much of what actions write to their runs' logs an attempt keeps
 */
public record WorkerSettings(
    String nodeName,
    List<AgentSpec> agents,
    int resultRetention,
    int snapshotEvery,
    String actionDispatcher,
    ShellSettings shell,
    Duration recordDelay,
    int recordBatch,
    int heartbeatsPerTimeout,
    BreakerSettings breaker,
    Duration vacancyHold,
    Duration drainTimeout,
    PayloadLimits payloadLimits,
    LlmSettings llm,
    Map<String, ToolSpec> tools,
    HttpSettings http,
    SecretSettings secrets,
    WorkspaceSettings workspace,
    RetrievalSettings retrieval,
    Redactor redaction,
    RunLogLimits runLog) {

  public WorkerSettings {
    tools = tools == null ? Map.of() : Map.copyOf(tools);
  }

  public static WorkerSettings create(Config config) {
    Config c = config.getConfig("lattice.worker");
    return new WorkerSettings(
        config.getString("lattice.node.name"),
        c.getConfigList("agents").stream().map(AgentSpec::fromConfig).toList(),
        c.getInt("result-retention"),
        c.getInt("snapshot-every"),
        "lattice.worker.action-dispatcher",
        ShellSettings.create(c.getConfig("shell")),
        c.getDuration("record-delay"),
        c.getInt("record-batch"),
        c.getInt("heartbeats-per-timeout"),
        BreakerSettings.create(c),
        c.getDuration("vacancy-hold"),
        c.getDuration("drain-timeout"),
        PayloadLimits.fromConfig(config),
        LlmSettings.create(config.getConfig("lattice.llm")),
        ToolDescriptions.fromConfig(c.getConfig("tools")),
        HttpSettings.create(config.getConfig("lattice.http")),
        SecretSettings.create(config),
        WorkspaceSettings.create(c.getConfig("workspace")),
        RetrievalSettings.create(config),
        Redactor.fromConfig(config),
        RunLogLimits.create(c.getConfig("run-log")));
  }

  /**
   * This node's agents plus {@code extra} ones (those an embedding application registers). An extra
   * agent replaces a configured one of the same id, as a registered action replaces the built-in
   * one of its name: registering {@code llm} serves it with the application's action alone.
   */
  public WorkerSettings withAgents(List<AgentSpec> extra) {
    Set<String> replaced = extra.stream().map(AgentSpec::id).collect(Collectors.toSet());
    List<AgentSpec> all = new ArrayList<>();
    agents.stream().filter(a -> !replaced.contains(a.id())).forEach(all::add);
    all.addAll(extra);
    return new WorkerSettings(
        nodeName,
        all,
        resultRetention,
        snapshotEvery,
        actionDispatcher,
        shell,
        recordDelay,
        recordBatch,
        heartbeatsPerTimeout,
        breaker,
        vacancyHold,
        drainTimeout,
        payloadLimits,
        llm,
        tools,
        http,
        secrets,
        workspace,
        retrieval,
        redaction,
        runLog);
  }
}
