-- Version 8 is the audit chain's.
-- Who may call the HTTP API (docs/security.md). An API key is a random 256-bit secret shown once,
-- when it is created; only the SHA-256 of it (hex) is stored, which a node computes from the key a
-- request presents and looks up by "hash". "tenant" is the one tenant the key may see, NULL for
-- every tenant (admin keys only); "roles" is a comma-separated list of admin, operator, submitter
-- and viewer. A key stops working at "expires_at" or "revoked_at", whichever comes first; neither
-- is ever cleared, so a key once stopped stays stopped.
CREATE TABLE "lattice_api_key" (
    "id"         VARCHAR(64)  NOT NULL PRIMARY KEY,
    "hash"       VARCHAR(64)  NOT NULL,
    "tenant"     VARCHAR(63),
    "roles"      VARCHAR(200) NOT NULL,
    "name"       VARCHAR(200),
    "created_by" VARCHAR(200) NOT NULL,
    "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
    "expires_at" TIMESTAMP WITH TIME ZONE,
    "revoked_at" TIMESTAMP WITH TIME ZONE
);
CREATE UNIQUE INDEX "lattice_api_key_hash_idx" ON "lattice_api_key" ("hash");
CREATE INDEX "lattice_api_key_tenant_idx" ON "lattice_api_key" ("tenant", "created_at");

-- Secrets the nodes of a cluster share to sign what one node issues and another checks (the
-- stream tokens of the event streams): created by the first node that needs one, read by all.
CREATE TABLE "lattice_signing_key" (
    "name"       VARCHAR(64)  NOT NULL PRIMARY KEY,
    "secret"     VARCHAR(128) NOT NULL,
    "created_at" TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL
);
