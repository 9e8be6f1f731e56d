-- The event journal and snapshot store of pekko-persistence-jdbc 1.1.x on PostgreSQL, in the
-- column layout and types of the plugin's own PostgreSQL schema (BIGSERIAL ordering, BYTEA
-- payloads), with the same tables, keys and constraints as the H2 migration of the same version.
-- Names are quoted lower case, as the plugin's queries and Lattice's own statements write them,
-- and unqualified, so the tables go to the first schema of the connection's search_path.
-- The plugin's durable_state table is not created: Lattice uses no durable state.
CREATE TABLE "event_journal" (
    "ordering"           BIGSERIAL NOT NULL,
    "deleted"            BOOLEAN DEFAULT FALSE NOT NULL,
    "persistence_id"     VARCHAR(255) NOT NULL,
    "sequence_number"    BIGINT NOT NULL,
    "writer"             VARCHAR(255) NOT NULL,
    "write_timestamp"    BIGINT NOT NULL,
    "adapter_manifest"   VARCHAR(255) NOT NULL,
    "event_payload"      BYTEA NOT NULL,
    "event_ser_id"       INTEGER NOT NULL,
    "event_ser_manifest" VARCHAR(255) NOT NULL,
    "meta_payload"       BYTEA,
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
    "snapshot_payload"      BYTEA NOT NULL,
    "meta_ser_id"           INTEGER,
    "meta_ser_manifest"     VARCHAR(255),
    "meta_payload"          BYTEA,
    PRIMARY KEY ("persistence_id", "sequence_number")
);
