-- The audit trail proves itself: every row is a link of one hash chain, and each chain's head is
-- signed (docs/security.md, "The audit chain"). A chain has one writer, so it stays linear without
-- locks: "bus:KEY" holds a dispatcher's rows (the dispatcher of a bus key is one entity),
-- "run:ID" a run's interventions (the run entity), "policy" the node's policy versions.
--  chain, seq     the row's chain and its place in it, from 1, gap-free; unique together, so a
--                 second writer of a chain (a bug, a split brain) fails instead of forking it
--  prev_hash      the hash of the chain's row seq - 1 (NULL for seq 1)
--  recorded_at    when the journal wrote the row, epoch milliseconds
--  digest         SHA-256 of "entries" exactly as stored; it stays when retention empties
--                 "entries" of a deleted run, so the chain still verifies
--  hash           SHA-256 over the row's fields (AuditHash): chain, seq, prev_hash, recorded_at,
--                 run_id, bus_key and digest
-- Rows written before this version have no chain (NULL): they are read as before, not verified.
-- Policy rows have no run and no bus key; run rows (interventions) no bus key.
ALTER TABLE "lattice_audit" ALTER COLUMN "run_id" DROP NOT NULL;
ALTER TABLE "lattice_audit" ALTER COLUMN "bus_key" DROP NOT NULL;
ALTER TABLE "lattice_audit" ALTER COLUMN "entries" DROP NOT NULL;
ALTER TABLE "lattice_audit" ADD COLUMN "chain" VARCHAR(300);
ALTER TABLE "lattice_audit" ADD COLUMN "seq" BIGINT;
ALTER TABLE "lattice_audit" ADD COLUMN "prev_hash" VARCHAR(64);
ALTER TABLE "lattice_audit" ADD COLUMN "recorded_at" BIGINT;
ALTER TABLE "lattice_audit" ADD COLUMN "digest" VARCHAR(64);
ALTER TABLE "lattice_audit" ADD COLUMN "hash" VARCHAR(64);
CREATE UNIQUE INDEX "lattice_audit_chain" ON "lattice_audit" ("chain", "seq");

-- One row per chain: its last row (seq, hash), written in the transaction that appends to it, and
-- the signed head (a JWS over chain, seq and hash, EdDSA with Ed25519, its key id in the header),
-- which a node's head signer adds shortly after (signing costs ~0.7 ms, too much for every write).
CREATE TABLE "lattice_audit_head" (
    "chain"      VARCHAR(300) PRIMARY KEY,
    "seq"        BIGINT       NOT NULL,
    "hash"       VARCHAR(64)  NOT NULL,
    "signed_seq" BIGINT,
    "jws"        TEXT
);
