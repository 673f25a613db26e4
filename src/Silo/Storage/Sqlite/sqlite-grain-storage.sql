-- StatefulSpot: SQLite schema for the Orleans ADO.NET grain storage provider
-- (Microsoft.Orleans.Persistence.AdoNet 10.4.2, invariant "System.Data.SQLite").
--
-- Applied by SqliteGrainStorageSchema.EnsureCreatedAsync on every silo start. Every statement is
-- idempotent: tables and the index are created only when missing, and the named queries are
-- replaced, so a newer build upgrades the query texts in place.
--
-- Contract with the provider (checked against the 10.4.2 provider):
--  * At start-up it runs
--      SELECT QueryKey, QueryText FROM OrleansQuery WHERE QueryKey IN (the keys below)
--    and requires WriteToStorageKey, ReadFromStorageKey and ClearStorageKey;
--    DeleteStorageKey is needed only when AdoNetGrainStorageOptions.DeleteStateOnClear = true.
--  * Every query gets the parameters @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash,
--    @GrainTypeString (the state name), @GrainIdExtensionString (NULL when absent) and @ServiceId.
--    Write, clear and delete also get @GrainStateVersion (the grain's ETag as an integer, NULL when
--    the grain has never stored anything); write also gets @PayloadBinary (the serialized state).
--  * Read returns the columns PayloadBinary (BLOB or NULL) and Version, at most one row.
--  * Write, clear and delete return the column NewGrainStateVersion. The provider raises
--    InconsistentStateException when the value it gets back equals the ETag it sent (both NULL
--    when there is no row at all) or is NULL. So on success a query returns the new version, and
--    on a version conflict it returns the stale version unchanged, or nothing when that is NULL.
--
-- A row is identified by ServiceId, the state name and the grain key; the hashes only narrow the
-- index lookup.

PRAGMA journal_mode = WAL;

BEGIN IMMEDIATE;

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            INTEGER NOT NULL,
    GrainIdN0              INTEGER NOT NULL,
    GrainIdN1              INTEGER NOT NULL,
    GrainTypeHash          INTEGER NOT NULL,
    GrainTypeString        TEXT    NOT NULL,
    GrainIdExtensionString TEXT    NULL,
    ServiceId              TEXT    NOT NULL,
    PayloadBinary          BLOB    NULL,
    ModifiedOn             TEXT    NOT NULL,
    Version                INTEGER NULL
);

CREATE INDEX IF NOT EXISTS IX_OrleansStorage ON OrleansStorage (GrainIdHash, GrainTypeHash);

-- Read: the payload and version of one state row.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey', '
SELECT PayloadBinary, Version
FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS @GrainIdExtensionString
  AND ServiceId = @ServiceId
LIMIT 1;
');

-- Write, in two mutually exclusive branches, each one atomic statement followed by a SELECT that
-- reports its outcome through changes() (rows touched by the statement just before it, on this
-- connection):
--  1. @GrainStateVersion is set: update the row only if its Version still equals it, then
--     return Version + 1, or the unchanged @GrainStateVersion when nothing matched (conflict).
--  2. @GrainStateVersion is NULL: insert version 1 only if no row exists yet, then return 1, or
--     no row at all when a row already existed (conflict).
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', '
UPDATE OrleansStorage
SET PayloadBinary = @PayloadBinary,
    ModifiedOn = strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now''),
    Version = Version + 1
WHERE @GrainStateVersion IS NOT NULL
  AND GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS @GrainIdExtensionString
  AND ServiceId = @ServiceId
  AND Version = @GrainStateVersion;

SELECT CASE WHEN changes() > 0 THEN @GrainStateVersion + 1 ELSE @GrainStateVersion END AS NewGrainStateVersion
WHERE @GrainStateVersion IS NOT NULL;

INSERT INTO OrleansStorage
    (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString,
     ServiceId, PayloadBinary, ModifiedOn, Version)
SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString,
       @ServiceId, @PayloadBinary, strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now''), 1
WHERE @GrainStateVersion IS NULL
  AND NOT EXISTS
  (
      SELECT 1
      FROM OrleansStorage
      WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
        AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
        AND GrainTypeString = @GrainTypeString
        AND GrainIdExtensionString IS @GrainIdExtensionString
        AND ServiceId = @ServiceId
  );

SELECT 1 AS NewGrainStateVersion
WHERE @GrainStateVersion IS NULL AND changes() > 0;
');

-- Clear: keep the row, drop the payload and bump the version, under the same version check.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey', '
UPDATE OrleansStorage
SET PayloadBinary = NULL,
    ModifiedOn = strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now''),
    Version = Version + 1
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS @GrainIdExtensionString
  AND ServiceId = @ServiceId
  AND Version = @GrainStateVersion;

SELECT CASE WHEN changes() > 0 THEN @GrainStateVersion + 1 ELSE @GrainStateVersion END AS NewGrainStateVersion
WHERE @GrainStateVersion IS NOT NULL;
');

-- Delete (only with DeleteStateOnClear = true): remove the row under the same version check. The
-- provider resets the grain's ETag to NULL afterwards, so the next write inserts version 1.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteStorageKey', '
DELETE FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS @GrainIdExtensionString
  AND ServiceId = @ServiceId
  AND Version = @GrainStateVersion;

SELECT CASE WHEN changes() > 0 THEN @GrainStateVersion + 1 ELSE @GrainStateVersion END AS NewGrainStateVersion
WHERE @GrainStateVersion IS NOT NULL;
');

COMMIT;
