package dev.lattice.persistence.journal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NewPersistenceIdsTest {
  private final NewPersistenceIds ids = new NewPersistenceIds();

  @Test
  void announcementsAreKeptOnlyOnceAJournalAnswersThem() {
    // No journal takes announcements back (another plugin, a test kit): none is kept.
    ids.announce("Run|a");
    assertThat(ids.claim("Run|a")).isFalse();

    ids.answeredByJournal();
    ids.announce("Run|a");
    assertThat(ids.claim("Run|a")).isTrue();
    assertThat(ids.claim("Run|a")).isFalse();
  }
}
