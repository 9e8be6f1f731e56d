-- The run index, as in the H2 migration of the same version (see there for what it serves):
-- one row per run, written by the journal DAO in the transactions of the run's own events.
-- Listings and the watchdog page through runs in run id order: the "C" collation compares ids
-- character by character as H2 does, whatever the database's locale (a linguistic collation
-- would put 'b' before 'C', and compares more slowly).
CREATE TABLE "lattice_run_index" (
    "run_id"     VARCHAR(128) COLLATE "C" NOT NULL PRIMARY KEY,
    "tenant"     VARCHAR(63)  NOT NULL,
    "status"     VARCHAR(16)  NOT NULL,
    "source"     VARCHAR(255),
    "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
    "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX "lattice_run_index_status" ON "lattice_run_index" ("status", "run_id");
