-- The run index: one row per run, inserted in the transaction that writes the run's first
-- event and updated in the one that changes its status (the journal DAO does both). The watchdog resumes every run the index shows unfinished;
-- listings filter it by status and tenant. Only what those need is indexed: every index is
-- another B-tree that each write must update.
CREATE TABLE "lattice_run_index" (
    "run_id"     VARCHAR(128) NOT NULL PRIMARY KEY,
    "tenant"     VARCHAR(63)  NOT NULL,
    "status"     VARCHAR(16)  NOT NULL,
    "source"     VARCHAR(255),
    "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
    "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX "lattice_run_index_status" ON "lattice_run_index" ("status", "run_id");
