-- Large payloads, stored once by content: a journal row whose event is larger than
-- lattice.persistence.payloads.inline-max-bytes holds references ({"$payload": "sha256:HEX",
-- "bytes": N}) to the large parts of its event instead of the parts themselves, and the parts live
-- here, keyed by the SHA-256 of their content. The journal DAO inserts them in the transaction that
-- writes the rows referring to them, before those rows; a part already here is not written again,
-- so an answer that every later step of a conversation gets as input is stored once.
-- "content" is the part as CBOR, the encoding of the events around it. VARBINARY rather than BLOB,
-- as in V1, so that H2 keeps it in the table's pages.
CREATE TABLE "lattice_payload" (
    "hash"       VARCHAR(71) NOT NULL PRIMARY KEY,
    "bytes"      INTEGER     NOT NULL,
    "content"    VARBINARY   NOT NULL,
    "created_at" TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL
);
