package dev.lattice.orchestrator.runlog;

import dev.lattice.persistence.journal.PersistenceSettings;
import dev.lattice.persistence.metrics.NodeMeters;
import dev.lattice.persistence.runlog.JdbcRunLog;
import dev.lattice.persistence.runlog.RunLogChunk;
import dev.lattice.protocol.log.LogLine;
import dev.lattice.protocol.redact.Redactor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes runs' logs of one node: chunks are queued without blocking and written in batches, many
 * runs' in one transaction, on the read models' dispatcher (blocking JDBC never runs on an actor's
 * thread), within {@code flush-interval} of their arrival. Each line is redacted first, as events
 * are ({@code lattice.redaction}). A chunk that finds the queue full is dropped and counted, and a
 * batch the database refuses is dropped with a warning: a run's log never holds its run back. When
 * the node stops, what is queued is written before its pools close.
 */
public final class RunLogWriter implements RunLogSink {
  private static final Logger log = LoggerFactory.getLogger(RunLogWriter.class);

  private final BoundedSourceQueue<RunLogChunk> queue;
  private final Dropped dropped;

  private RunLogWriter(BoundedSourceQueue<RunLogChunk> queue, Dropped dropped) {
    this.queue = queue;
    this.dropped = dropped;
  }

  /**
   * Chunks dropped, counted (registered at the first, so that a node that drops none shows no
   * meter) and told once in the node's log: a full queue drops chunks in bursts.
   */
  private static final class Dropped {
    private final MeterRegistry registry;
    private final AtomicLong count = new AtomicLong();

    Dropped(MeterRegistry registry) {
      this.registry = registry;
    }

    void add(int chunks, String why) {
      Counter.builder("lattice.run.log.dropped")
          .description(
              "Chunks of runs' logs dropped: the writer's queue was full, or the database refused"
                  + " a batch")
          .register(registry)
          .increment(chunks);
      if (count.getAndAdd(chunks) == 0) {
        log.warn(
            "runs' logs lost {} chunks ({}); counted as lattice_run_log_dropped_total, told once",
            chunks,
            why);
      }
    }
  }

  /** Starts the writer of {@code system}'s runs' logs into {@code store}. */
  public static RunLogWriter start(
      ActorSystem<?> system, JdbcRunLog store, RunLogSettings settings, Redactor redactor) {
    Executor blocking =
        system
            .dispatchers()
            .lookup(DispatcherSelector.fromConfig(PersistenceSettings.READ_MODEL_DISPATCHER));
    Dropped dropped = new Dropped(NodeMeters.get(system).registry());
    Pair<BoundedSourceQueue<RunLogChunk>, CompletionStage<Done>> stream =
        Source.<RunLogChunk>queue(settings.bufferChunks())
            .groupedWithin(settings.batchChunks(), settings.flushInterval())
            .mapAsync(
                1,
                batch ->
                    CompletableFuture.runAsync(
                        () -> write(store, batch, redactor, dropped), blocking))
            .toMat(Sink.ignore(), Keep.both())
            .run(system);
    RunLogWriter writer = new RunLogWriter(stream.first(), dropped);
    // After the entities stopped (their last lines are queued), before the pools close.
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "lattice-run-log",
            () -> {
              writer.queue.complete();
              return stream.second().handle((done, failure) -> Done.getInstance());
            });
    return writer;
  }

  @Override
  public void append(RunLogChunk chunk) {
    QueueOfferResult offered = queue.offer(chunk);
    if (offered != QueueOfferResult.enqueued()) {
      dropped.add(1, "the writer is behind, " + offered + "; see lattice.run-log.buffer-chunks");
    }
  }

  private static void write(
      JdbcRunLog store, List<RunLogChunk> batch, Redactor redactor, Dropped dropped) {
    try {
      store.append(redacted(batch, redactor));
    } catch (SQLException | RuntimeException e) {
      dropped.add(batch.size(), "the database refused them: " + e.getMessage());
    }
  }

  private static List<RunLogChunk> redacted(List<RunLogChunk> batch, Redactor redactor) {
    List<RunLogChunk> out = new ArrayList<>(batch.size());
    for (RunLogChunk chunk : batch) {
      List<LogLine> lines = null;
      for (int i = 0; i < chunk.lines().size(); i++) {
        LogLine line = chunk.lines().get(i);
        String message = redactor.redactText(line.message());
        if (message != line.message()) {
          if (lines == null) {
            lines = new ArrayList<>(chunk.lines());
          }
          lines.set(i, new LogLine(line.at(), line.level(), message));
        }
      }
      out.add(lines == null ? chunk : chunk.withLines(lines));
    }
    return out;
  }
}
