-- The vector store of the built-in vectors.upsert and vectors.query actions (worker-node,
-- dev.lattice.worker.action.vector.VectorTable reads and writes it): chunks of text with their
-- embeddings, in named collections, per tenant. A row is keyed by tenant, collection and id, so
-- writing the same id again replaces the row (a retried step stores nothing twice), and one
-- tenant's rows are never read for another's. "document" groups the chunks of one document, so
-- that storing a document again replaces all its chunks. "vector" holds the embedding as 32-bit
-- floats (big-endian), "dimension" their count, so a query compares like with like; "metadata" is
-- a JSON object as text. A query reads the rows of one (tenant, collection), the primary key's
-- prefix, and ranks them in the worker by cosine similarity. Text columns are VARCHAR rather than
-- CLOB so that H2 keeps them in the table's pages (see V1).
CREATE TABLE "lattice_vector" (
    "tenant"     VARCHAR(63)  NOT NULL,
    "collection" VARCHAR(64)  NOT NULL,
    "id"         VARCHAR(255) NOT NULL,
    "document"   VARCHAR(200),
    "text"       VARCHAR      NOT NULL,
    "metadata"   VARCHAR,
    "model"      VARCHAR(128),
    "dimension"  INTEGER      NOT NULL,
    "vector"     VARBINARY    NOT NULL,
    "updated_at" TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    PRIMARY KEY ("tenant", "collection", "id")
);

CREATE INDEX "lattice_vector_document" ON "lattice_vector" ("tenant", "collection", "document");
