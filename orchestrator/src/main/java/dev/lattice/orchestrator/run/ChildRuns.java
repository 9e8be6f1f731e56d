package dev.lattice.orchestrator.run;

import dev.lattice.orchestrator.run.core.ChildStart;
import dev.lattice.protocol.api.Intervention;
import dev.lattice.protocol.api.InterventionType;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.run.ParentRun;
import dev.lattice.protocol.run.RunView;

/**
 * Where a run starts the child runs of its run steps, and how a child's end gets back to its
 * parent. Every call is fire-and-forget and safe to repeat: the parent sends a start again until
 * the child's result arrives, and a child that has ended answers a start with its result again.
 */
public interface ChildRuns {
  /** Start the child {@code start} asks for, unless it exists; if it has ended, report its end. */
  void start(ChildStart start);

  /** Pause, resume or cancel the child run {@code child}, as its parent was, best-effort. */
  void intervene(RunId child, InterventionType type, Intervention who);

  /** The child run {@code child}, started by {@code parent}, ended: tell the parent. */
  void ended(ParentRun parent, RunView child);

  /** No child runs: for nodes and tests whose plans have no run steps. */
  ChildRuns NONE =
      new ChildRuns() {
        @Override
        public void start(ChildStart start) {}

        @Override
        public void intervene(RunId child, InterventionType type, Intervention who) {}

        @Override
        public void ended(ParentRun parent, RunView child) {}
      };
}
