-- The event journal and snapshot store of pekko-persistence-jdbc 1.1.x, in its column layout.
-- Differences from the plugin's shipped DDL, each measured on H2 2.4 with WRITE_DELAY=0:
--  * payloads are VARBINARY rather than BLOB, so H2 keeps them in the table's pages instead of
--    its separate LOB store: one fewer map to write on every commit;
--  * the "ordering" column carries one unique index, not two (the shipped DDL adds a second,
--    identical one), so each insert updates one index fewer.
CREATE TABLE "event_journal" (
    "ordering"           BIGINT AUTO_INCREMENT NOT NULL,
    "deleted"            BOOLEAN DEFAULT FALSE NOT NULL,
    "persistence_id"     VARCHAR(255) NOT NULL,
    "sequence_number"    BIGINT NOT NULL,
    "writer"             VARCHAR(255) NOT NULL,
    "write_timestamp"    BIGINT NOT NULL,
    "adapter_manifest"   VARCHAR(255) NOT NULL,
    "event_payload"      VARBINARY NOT NULL,
    "event_ser_id"       INTEGER NOT NULL,
    "event_ser_manifest" VARCHAR(255) NOT NULL,
    "meta_payload"       VARBINARY,
    "meta_ser_id"        INTEGER,
    "meta_ser_manifest"  VARCHAR(255),
    PRIMARY KEY ("persistence_id", "sequence_number"),
    CONSTRAINT "event_journal_ordering_uq" UNIQUE ("ordering")
);

CREATE TABLE "event_tag" (
    "event_id" BIGINT NOT NULL,
    "tag"      VARCHAR(255) NOT NULL,
    PRIMARY KEY ("event_id", "tag"),
    CONSTRAINT "event_tag_journal_fk" FOREIGN KEY ("event_id")
        REFERENCES "event_journal" ("ordering") ON DELETE CASCADE
);

CREATE TABLE "snapshot" (
    "persistence_id"        VARCHAR(255) NOT NULL,
    "sequence_number"       BIGINT NOT NULL,
    "created"               BIGINT NOT NULL,
    "snapshot_ser_id"       INTEGER NOT NULL,
    "snapshot_ser_manifest" VARCHAR(255) NOT NULL,
    "snapshot_payload"      BLOB NOT NULL,
    "meta_ser_id"           INTEGER,
    "meta_ser_manifest"     VARCHAR(255),
    "meta_payload"          BLOB,
    PRIMARY KEY ("persistence_id", "sequence_number")
);
