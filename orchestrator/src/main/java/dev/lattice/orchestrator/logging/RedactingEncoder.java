package dev.lattice.orchestrator.logging;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;

/**
 * The encoder of a node's log lines, in the format of {@link LogFormat#current()} (or a fixed one,
 * {@code <format>json</format>}), each redacted before it is written as {@link RedactingLayout}
 * redacts text: a value a message, an exception or an MDC entry quotes after a sensitive name is
 * replaced, also inside JSON.
 *
 * <p>Text is the {@code pattern}'s. JSON is logback's own {@link JsonEncoder}, one object per line,
 * with the fields {@code timestamp} (epoch milliseconds), {@code level}, {@code threadName}, {@code
 * loggerName}, {@code mdc} (the MDC: {@code runId}, {@code stepId}, {@code tenant} where a run's
 * work logs, {@code busKey} in a dispatcher, Pekko's {@code pekkoSource}, ...), {@code
 * formattedMessage} and {@code throwable} (null, or an object with {@code className}, {@code
 * message}, {@code stepArray} and {@code cause}); {@code markers} and {@code kvpList} only when an
 * event has them. A trace id put in the MDC appears in {@code mdc} with no change here.
 *
 * <pre>{@code
 * <encoder class="dev.lattice.orchestrator.logging.RedactingEncoder">
 *   <pattern>%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n</pattern>
 * </encoder>
 * }</pre>
 */
public class RedactingEncoder extends EncoderBase<ILoggingEvent> {
  private static final byte[] NOTHING = new byte[0];

  private final PatternLayout text = new PatternLayout();
  private final JsonEncoder json = new JsonEncoder();
  private String pattern;
  private LogFormat format;

  /** The pattern of text lines (logback's {@code PatternLayout}). */
  public void setPattern(String pattern) {
    this.pattern = pattern;
  }

  public String getPattern() {
    return pattern;
  }

  /** A format this encoder keeps whatever the node's: {@code text} or {@code json}. */
  public void setFormat(String format) {
    this.format = LogFormat.parse(format);
  }

  @Override
  public void start() {
    if (pattern == null) {
      addError("no pattern for text lines");
      return;
    }
    text.setContext(getContext());
    text.setPattern(pattern);
    text.start();
    json.setContext(getContext());
    // What a log collector needs, without what only logback's own tools read.
    json.setWithSequenceNumber(false);
    json.setWithNanoseconds(false);
    json.setWithContext(false);
    json.setWithMessage(false);
    json.setWithArguments(false);
    json.setWithFormattedMessage(true);
    json.start();
    super.start();
  }

  @Override
  public void stop() {
    text.stop();
    json.stop();
    super.stop();
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    LogFormat chosen = format != null ? format : LogFormat.current();
    String line =
        chosen == LogFormat.JSON
            ? new String(json.encode(event), StandardCharsets.UTF_8)
            : text.doLayout(event);
    return LogRedaction.redactor().redactText(line).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public byte[] headerBytes() {
    return NOTHING;
  }

  @Override
  public byte[] footerBytes() {
    return NOTHING;
  }
}
