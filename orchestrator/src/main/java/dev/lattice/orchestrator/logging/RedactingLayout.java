package dev.lattice.orchestrator.logging;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Logback's pattern layout, with every line redacted before it is written: a value a message, an
 * exception or an MDC entry quotes after a sensitive name ({@code password=...}, {@code
 * "apiKey":"..."}, {@code Authorization: Bearer ...}) is replaced, as configured by {@code
 * lattice.redaction} ({@link LogRedaction}). Used in place of a plain pattern:
 *
 * <pre>{@code
 * <encoder class="ch.qos.logback.core.encoder.LayoutWrappingEncoder">
 *   <layout class="dev.lattice.orchestrator.logging.RedactingLayout">
 *     <pattern>%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n</pattern>
 *   </layout>
 * </encoder>
 * }</pre>
 */
public class RedactingLayout extends PatternLayout {
  @Override
  public String doLayout(ILoggingEvent event) {
    return LogRedaction.redactor().redactText(super.doLayout(event));
  }
}
