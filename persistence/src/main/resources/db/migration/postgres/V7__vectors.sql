-- The vector store, as in the H2 migration of the same version (see there for what it serves).
-- Free text is TEXT and the embedding BYTEA, PostgreSQL's unbounded types.
CREATE TABLE "lattice_vector" (
    "tenant"     VARCHAR(63)  NOT NULL,
    "collection" VARCHAR(64)  NOT NULL,
    "id"         VARCHAR(255) NOT NULL,
    "document"   VARCHAR(200),
    "text"       TEXT         NOT NULL,
    "metadata"   TEXT,
    "model"      VARCHAR(128),
    "dimension"  INTEGER      NOT NULL,
    "vector"     BYTEA        NOT NULL,
    "updated_at" TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    PRIMARY KEY ("tenant", "collection", "id")
);

CREATE INDEX "lattice_vector_document" ON "lattice_vector" ("tenant", "collection", "document");
