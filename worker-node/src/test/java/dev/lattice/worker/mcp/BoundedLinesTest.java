package dev.lattice.worker.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

/** Lines of a stdio server's output, each bounded in length. */
class BoundedLinesTest {
  @Test
  void readsLinesWhateverTheirEnds() throws IOException {
    BufferedReader in = new BufferedReader(new StringReader("one\ntwo\r\n\nlast"));

    assertThat(BoundedLines.read(in, 10)).isEqualTo("one");
    assertThat(BoundedLines.read(in, 10)).isEqualTo("two");
    assertThat(BoundedLines.read(in, 10)).isEmpty();
    assertThat(BoundedLines.read(in, 10)).isEqualTo("last");
    assertThat(BoundedLines.read(in, 10)).isNull();
  }

  @Test
  void aLineLongerThanTheLimitIsAnError() throws IOException {
    BufferedReader in = new BufferedReader(new StringReader("0123456789\n01234567890\n"));

    assertThat(BoundedLines.read(in, 10)).isEqualTo("0123456789");
    assertThatThrownBy(() -> BoundedLines.read(in, 10))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("longer than 10");
  }
}
