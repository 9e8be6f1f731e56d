package dev.lattice.persistence.payload;

import dev.lattice.persistence.testing.EmbeddedPostgres;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The payload table on PostgreSQL, as {@link PayloadTableIT} checks it on H2. */
class PayloadTablePostgresIT {
  @Test
  void aPartStoredTwiceIsOneRow() throws SQLException {
    PayloadTableIT.checkIdempotence(EmbeddedPostgres.shared().createDatabase());
  }
}
