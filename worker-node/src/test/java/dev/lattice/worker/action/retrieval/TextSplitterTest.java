package dev.lattice.worker.action.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TextSplitterTest {
  private static final String TEXT =
      "A wait step pauses its branch until a timer fires or a signal arrives. "
          + "A wait may last up to 366 days, so an approval can take a year. "
          + "Its due time is recorded in the journal, so the timer survives restarts. "
          + "It fires at once if it fell due while the node was down.";

  @Test
  void aTextShorterThanAChunkIsOneChunk() {
    assertThat(TextSplitter.split("  One short text.\n", 100, 10))
        .containsExactly("One short text.");
  }

  @Test
  void aBlankTextMakesNoChunk() {
    assertThat(TextSplitter.split("", 100, 10)).isEmpty();
    assertThat(TextSplitter.split(" \n\t ", 100, 10)).isEmpty();
  }

  @Test
  void chunksStayWithinTheSizeAndLoseNoWord() {
    List<String> chunks = TextSplitter.split(TEXT, 80, 20);

    assertThat(chunks)
        .hasSizeGreaterThan(3)
        .allSatisfy(c -> assertThat(c).hasSizeLessThanOrEqualTo(80));
    String joined = String.join(" ", chunks);
    for (String word : TEXT.split("\\s+")) {
      assertThat(joined).contains(word);
    }
  }

  @Test
  void aChunkEndsAfterASentenceWhenOneEndsInItsSecondHalf() {
    List<String> chunks = TextSplitter.split(TEXT, 100, 0);

    assertThat(chunks.get(0))
        .isEqualTo("A wait step pauses its branch until a timer fires or a signal arrives.");
  }

  @Test
  void eachChunkRepeatsTheEndOfTheOneBeforeFromAWordOn() {
    List<String> chunks = TextSplitter.split(TEXT, 80, 30);

    for (int i = 1; i < chunks.size(); i++) {
      String previous = chunks.get(i - 1);
      String firstWord = chunks.get(i).split(" ")[0];
      // The overlap starts at a whole word of the previous chunk's last 30 characters.
      assertThat(previous.substring(Math.max(0, previous.length() - 30)))
          .as("chunk %d after %s", i, previous)
          .containsPattern("(^|\\s)" + Pattern.quote(firstWord));
    }
  }

  @Test
  void withoutOverlapChunksFollowEachOther() {
    List<String> chunks = TextSplitter.split(TEXT, 80, 0);

    assertThat(String.join(" ", chunks)).isEqualTo(TEXT);
  }

  @Test
  void aWordLongerThanAChunkIsCut() {
    String word = "x".repeat(250);

    List<String> chunks = TextSplitter.split(word, 100, 10);

    assertThat(chunks).allSatisfy(c -> assertThat(c).hasSizeLessThanOrEqualTo(100));
    assertThat(chunks.get(0)).hasSize(100);
    assertThat(chunks.stream().mapToInt(String::length).sum()).isGreaterThanOrEqualTo(250);
  }

  @Test
  void aCutNeverSplitsACharacterOutsideTheBasicPlane() {
    // Each of these is two Java chars; a cut between them would leave half a character.
    String emoji = "\uD83D\uDE00".repeat(60);

    List<String> chunks = TextSplitter.split(emoji, 21, 0);

    assertThat(chunks)
        .allSatisfy(
            c -> {
              assertThat(Character.isLowSurrogate(c.charAt(0))).isFalse();
              assertThat(Character.isHighSurrogate(c.charAt(c.length() - 1))).isFalse();
            });
    assertThat(String.join("", chunks)).isEqualTo(emoji);
  }

  @Test
  void anOverlapNotBelowTheChunkSizeIsRefused() {
    assertThatThrownBy(() -> TextSplitter.split(TEXT, 50, 50))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TextSplitter.split(TEXT, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(TextSplitter.split(TEXT, 50, 49)).isNotEmpty();
  }
}
