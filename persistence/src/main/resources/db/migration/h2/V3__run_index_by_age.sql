-- Retention finds finished runs by status and last change: without this index each sweep would
-- read every finished run's row. It costs one more B-tree update per status change of a run
-- (a few per run), not per event.
CREATE INDEX "lattice_run_index_status_updated" ON "lattice_run_index" ("status", "updated_at");
