-- Retention finds finished runs by status and last change (see the H2 migration of the same
-- version).
CREATE INDEX "lattice_run_index_status_updated" ON "lattice_run_index" ("status", "updated_at");
