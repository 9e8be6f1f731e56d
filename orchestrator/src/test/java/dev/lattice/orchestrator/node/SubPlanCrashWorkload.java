package dev.lattice.orchestrator.node;

import static dev.lattice.orchestrator.plan.Plans.json;
import static dev.lattice.orchestrator.plan.Plans.plan;

import dev.lattice.orchestrator.testing.ExecutionLog;
import dev.lattice.protocol.api.ExecuteRequest;
import java.nio.file.Path;

/**
 * The work of {@link SubPlanCrashIT}: one run maps over {@link #ELEMENTS} elements, four at a time,
 * each element one logged agent step and a transform; another loops {@link #ITERATIONS} times, each
 * iteration one slower logged agent step; a third has a run step whose child run maps over {@link
 * #CHILD_ELEMENTS} elements, two at a time. All are under way, none finished, when the node is
 * killed.
 */
final class SubPlanCrashWorkload {
  static final String CAPABILITY = "work";
  static final int ELEMENTS = 100;
  static final int ITERATIONS = 8;
  static final int CHILD_ELEMENTS = 40;
  private static final int MAX_CONCURRENT = 8;

  private SubPlanCrashWorkload() {}

  /** A node on {@code data} whose agent logs every attempt to {@code log} as {@code process}. */
  static Lattice.Builder node(Path data, Path log, String process) {
    return Lattice.builder()
        .dataDirectory(data)
        .config(CrashWorkload.NODE_CONFIG)
        .action(CAPABILITY, CrashWorkload.action(new ExecutionLog(log, process)), MAX_CONCURRENT);
  }

  static ExecuteRequest map() {
    StringBuilder items = new StringBuilder();
    for (int i = 0; i < ELEMENTS; i++) {
      items.append(i == 0 ? "" : ", ").append("{'n': ").append(i).append('}');
    }
    return ExecuteRequest.plan(
        plan(
            "{'steps': [{'id': 'M', 'kind': 'map', 'input': '${payload.items}', 'concurrency': 4,"
                + " 'steps': [{'id': 'work', 'capability': '"
                + CAPABILITY
                + "', 'input': {'n': '${item.n}', 'delayMs': 40}},"
                + " {'id': 'shape', 'kind': 'transform', 'dependsOn': ['work'],"
                + " 'expression': 'steps.work.output.n'}]}]}"),
        json("{'items': [" + items + "]}"));
  }

  static ExecuteRequest loop() {
    return ExecuteRequest.plan(
        plan(
            "{'steps': [{'id': 'L', 'kind': 'loop', 'maxIterations': "
                + (ITERATIONS + 2)
                + ", 'until': 'steps.work.output.round >= "
                + ITERATIONS
                + "', 'steps': [{'id': 'work', 'capability': '"
                + CAPABILITY
                + "', 'input': {'round': '${iteration}', 'delayMs': 150}}]}]}"),
        json("{}"));
  }

  /** A parent whose run step {@code C} starts a child that maps over its payload's items. */
  static ExecuteRequest nested() {
    StringBuilder items = new StringBuilder();
    for (int i = 0; i < CHILD_ELEMENTS; i++) {
      items.append(i == 0 ? "" : ", ").append(i);
    }
    return ExecuteRequest.plan(
        plan(
            "{'steps': [{'id': 'C', 'kind': 'run', 'input': {'items': '${payload.items}'},"
                + " 'plan': {'steps': [{'id': 'CM', 'kind': 'map', 'input': '${payload.items}',"
                + " 'concurrency': 2, 'steps': [{'id': 'work', 'capability': '"
                + CAPABILITY
                + "', 'input': {'n': '${item}', 'delayMs': 60}}]}]}},"
                + " {'id': 'count', 'kind': 'transform', 'dependsOn': ['C'],"
                + " 'expression': '$count(steps.C.output.CM)'}]}"),
        json("{'items': [" + items + "]}"));
  }
}
