package dev.lattice.orchestrator.tracing;

import com.typesafe.config.Config;
import dev.lattice.worker.tracing.NodeTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up a node's traces as it starts: with {@code lattice.tracing.otlp.endpoint} set, an
 * OpenTelemetry SDK whose spans go there over OTLP/HTTP (the JDK's HTTP client sends them, in
 * batches); with exporters an embedding application gave, to those too, span by span. With neither,
 * nothing: spans cost next to nothing.
 */
public final class TracingSetup {
  private static final Logger log = LoggerFactory.getLogger(TracingSetup.class);
  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final AttributeKey<String> SERVICE_INSTANCE =
      AttributeKey.stringKey("service.instance.id");

  private TracingSetup() {}

  /**
   * Installs the traces of {@code system}'s node as its configuration says, and as {@code
   * exporters} (an embedding application's) ask; they are flushed and shut down with the node.
   */
  public static void install(ActorSystem<?> system, List<SpanExporter> exporters) {
    Config tracing = system.settings().config().getConfig("lattice.tracing");
    String endpoint = tracing.getString("otlp.endpoint");
    if (endpoint.isBlank() && exporters.isEmpty()) {
      return;
    }
    SdkTracerProviderBuilder provider =
        SdkTracerProvider.builder()
            .setIdGenerator(PresetIds.INSTANCE)
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(
                                SERVICE_NAME,
                                tracing.getString("service-name"),
                                SERVICE_INSTANCE,
                                system.address().toString()))));
    if (!endpoint.isBlank()) {
      provider.addSpanProcessor(
          BatchSpanProcessor.builder(
                  OtlpHttpSpanExporter.builder()
                      .setEndpoint(endpoint)
                      .setTimeout(tracing.getDuration("otlp.timeout"))
                      .build())
              .setScheduleDelay(tracing.getDuration("otlp.batch-delay"))
              .build());
      log.info("traces go to {} over OTLP/HTTP", endpoint);
    }
    exporters.forEach(exporter -> provider.addSpanProcessor(SimpleSpanProcessor.create(exporter)));
    SdkTracerProvider traces = provider.build();
    NodeTracing.get(system).install(OpenTelemetrySdk.builder().setTracerProvider(traces).build());
    Duration flush = tracing.getDuration("shutdown-timeout");
    system
        .getWhenTerminated()
        .thenRun(() -> traces.shutdown().join(flush.toMillis(), TimeUnit.MILLISECONDS));
  }
}
