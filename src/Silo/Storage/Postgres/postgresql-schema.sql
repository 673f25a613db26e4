-- StatefulSpot: PostgreSQL schema for the Orleans ADO.NET providers that cluster mode uses
-- (Microsoft.Orleans.Clustering.AdoNet, .Persistence.AdoNet and .Reminders.AdoNet 10.4.2,
-- invariant "Npgsql"). The NuGet packages ship no SQL; this script is our own, written against
-- the providers' contract:
--
--  * Each provider loads its statements at start-up with
--      SELECT QueryKey, QueryText FROM OrleansQuery
--    and refuses to start when one of its keys is missing. The keys of 10.4.2:
--      clustering   MembershipReadRowKey MembershipReadAllKey InsertMembershipVersionKey
--                   InsertMembershipKey UpdateMembershipKey UpdateIAmAlivetimeKey
--                   DeleteMembershipTableEntriesKey GatewaysQueryKey CleanupDefunctSiloEntriesKey
--      persistence  ReadFromStorageKey WriteToStorageKey ClearStorageKey DeleteStorageKey
--      reminders    ReadReminderRowsKey ReadReminderRowKey ReadRangeRows1Key ReadRangeRows2Key
--                   UpsertReminderRowKey DeleteReminderRowKey DeleteReminderRowsKey
--  * The providers bind parameters by name (@DeploymentId, @GrainIdHash, ...) and read result
--    columns by name (case-insensitively), so only names and types matter to them.
--  * "Did it work" queries (insert/update membership, delete reminder) return one integer:
--    greater than 0 for success, 0 for a lost race (Orleans then re-reads and retries).
--  * Grain storage: write, clear and delete return NewGrainStateVersion; the provider reports a
--    conflict (InconsistentStateException) when that equals the version it sent, or is NULL.
--
-- Idempotent by construction, applied on every silo start and by `StatefulSpot.Silo schema apply`
-- (under a transaction-scoped advisory lock, so racing silos apply it one after the other):
-- tables and indexes only when missing, functions replaced, query texts upserted. A newer build
-- therefore upgrades query texts and functions in place. The table and column names are those
-- Orleans documents, so a database set up with the upstream scripts is compatible.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64)   NOT NULL,
    QueryText varchar(8000) NOT NULL,
    CONSTRAINT OrleansQuery_Key PRIMARY KEY (QueryKey)
);

------------------------------------------------------------------------------------------------
-- Clustering: one version row per cluster (DeploymentId = ClusterId) that every membership
-- change bumps (optimistic concurrency), and one row per silo incarnation.
------------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId varchar(150)   NOT NULL,
    Timestamp    timestamptz(3) NOT NULL DEFAULT now(),
    Version      integer        NOT NULL DEFAULT 0,
    CONSTRAINT PK_OrleansMembershipVersionTable_DeploymentId PRIMARY KEY (DeploymentId)
);

CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId varchar(150)   NOT NULL,
    Address      varchar(45)    NOT NULL,
    Port         integer        NOT NULL,
    Generation   integer        NOT NULL,
    SiloName     varchar(150)   NOT NULL,
    HostName     varchar(150)   NOT NULL,
    Status       integer        NOT NULL,
    ProxyPort    integer        NULL,
    SuspectTimes varchar(8000)  NULL,
    StartTime    timestamptz(3) NOT NULL,
    IAmAliveTime timestamptz(3) NOT NULL,
    CONSTRAINT PK_MembershipTable_DeploymentId PRIMARY KEY (DeploymentId, Address, Port, Generation),
    CONSTRAINT FK_MembershipTable_MembershipVersionTable_DeploymentId
        FOREIGN KEY (DeploymentId) REFERENCES OrleansMembershipVersionTable (DeploymentId)
);

-- Creates the cluster's version row; 1 when created, 0 when it already existed.
CREATE OR REPLACE FUNCTION statefulspot_membership_add_version(p_deployment_id varchar)
RETURNS TABLE (row_count integer)
LANGUAGE plpgsql AS
$$
DECLARE
    v_rows integer;
BEGIN
    INSERT INTO OrleansMembershipVersionTable (DeploymentId)
    VALUES (p_deployment_id)
    ON CONFLICT (DeploymentId) DO NOTHING;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN QUERY SELECT v_rows;
END
$$;

-- Moves the cluster version on by one if the caller read the current one: true when it did.
CREATE OR REPLACE FUNCTION statefulspot_membership_bump_version(p_deployment_id varchar, p_version integer)
RETURNS boolean
LANGUAGE plpgsql AS
$$
DECLARE
    v_rows integer;
BEGIN
    UPDATE OrleansMembershipVersionTable
    SET Version = Version + 1, Timestamp = now()
    WHERE DeploymentId = p_deployment_id AND Version = p_version;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN v_rows > 0;
END
$$;

-- Adds a silo row and bumps the cluster version, both or neither: 1 on success, 0 when the row
-- exists already or the version moved on since the caller read it.
CREATE OR REPLACE FUNCTION statefulspot_membership_add_silo(
    p_deployment_id varchar, p_address varchar, p_port integer, p_generation integer,
    p_silo_name varchar, p_host_name varchar, p_status integer, p_proxy_port integer,
    p_start_time timestamptz, p_i_am_alive_time timestamptz, p_version integer)
RETURNS TABLE (row_count integer)
LANGUAGE plpgsql AS
$$
DECLARE
    v_rows integer;
BEGIN
    IF NOT statefulspot_membership_bump_version(p_deployment_id, p_version) THEN
        RETURN QUERY SELECT 0;
        RETURN;
    END IF;

    INSERT INTO OrleansMembershipTable
        (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
    VALUES
        (p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status, p_proxy_port,
         p_start_time, p_i_am_alive_time)
    ON CONFLICT (DeploymentId, Address, Port, Generation) DO NOTHING;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    IF v_rows = 0 THEN
        -- Undo the version bump: the statement that called us must not change anything.
        RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'statefulspot: membership row exists';
    END IF;

    RETURN QUERY SELECT 1;
EXCEPTION
    WHEN raise_exception THEN
        RETURN QUERY SELECT 0;
END
$$;

-- Changes a silo row (status, suspicions, liveness) and bumps the cluster version, both or
-- neither: 1 on success, 0 when the version moved on or the row is gone.
CREATE OR REPLACE FUNCTION statefulspot_membership_update_silo(
    p_deployment_id varchar, p_address varchar, p_port integer, p_generation integer,
    p_status integer, p_suspect_times varchar, p_i_am_alive_time timestamptz, p_version integer)
RETURNS TABLE (row_count integer)
LANGUAGE plpgsql AS
$$
DECLARE
    v_rows integer;
BEGIN
    IF NOT statefulspot_membership_bump_version(p_deployment_id, p_version) THEN
        RETURN QUERY SELECT 0;
        RETURN;
    END IF;

    UPDATE OrleansMembershipTable
    SET Status = p_status, SuspectTimes = p_suspect_times, IAmAliveTime = p_i_am_alive_time
    WHERE DeploymentId = p_deployment_id AND Address = p_address AND Port = p_port AND Generation = p_generation;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    IF v_rows = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'statefulspot: membership row missing';
    END IF;

    RETURN QUERY SELECT 1;
EXCEPTION
    WHEN raise_exception THEN
        RETURN QUERY SELECT 0;
END
$$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('InsertMembershipVersionKey', '
SELECT row_count FROM statefulspot_membership_add_version(@DeploymentId);
'),
('InsertMembershipKey', '
SELECT row_count FROM statefulspot_membership_add_silo(
    @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort,
    @StartTime, @IAmAliveTime, @Version);
'),
('UpdateMembershipKey', '
SELECT row_count FROM statefulspot_membership_update_silo(
    @DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes, @IAmAliveTime, @Version);
'),
-- Liveness heartbeat: not versioned, never reported as failed.
('UpdateIAmAlivetimeKey', '
UPDATE OrleansMembershipTable
SET IAmAliveTime = @IAmAliveTime
WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation;
'),
-- One silo (plus the version, which comes back even when the silo has no row yet).
('MembershipReadRowKey', '
SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
       m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
FROM OrleansMembershipVersionTable v
LEFT JOIN OrleansMembershipTable m
       ON m.DeploymentId = v.DeploymentId
      AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
WHERE v.DeploymentId = @DeploymentId;
'),
('MembershipReadAllKey', '
SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
       m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
FROM OrleansMembershipVersionTable v
LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
WHERE v.DeploymentId = @DeploymentId;
'),
('DeleteMembershipTableEntriesKey', '
DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
'),
-- Gateways for clients: silos in the given status (Active) that have a gateway port.
('GatewaysQueryKey', '
SELECT Address, ProxyPort, Generation
FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0;
'),
-- Forget silos that stopped heart-beating before @IAmAliveTime, except Active ones (status 3).
('CleanupDefunctSiloEntriesKey', '
DELETE FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND IAmAliveTime < @IAmAliveTime AND Status <> 3;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

------------------------------------------------------------------------------------------------
-- Grain state: one row per (ServiceId, state name, grain key); Version is the ETag.
------------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            integer      NOT NULL,
    GrainIdN0              bigint       NOT NULL,
    GrainIdN1              bigint       NOT NULL,
    GrainTypeHash          integer      NOT NULL,
    GrainTypeString        varchar(512) NOT NULL,
    GrainIdExtensionString varchar(512) NULL,
    ServiceId              varchar(150) NOT NULL,
    PayloadBinary          bytea        NULL,
    ModifiedOn             timestamp    NOT NULL,
    Version                integer      NULL
);

CREATE INDEX IF NOT EXISTS IX_OrleansStorage ON OrleansStorage USING btree (GrainIdHash, GrainTypeHash);

-- Writes a state under optimistic concurrency and returns the new version; returns the version
-- the caller sent (or NULL for a first write) when someone else wrote in between.
CREATE OR REPLACE FUNCTION statefulspot_storage_write(
    p_grain_id_hash integer, p_grain_id_n0 bigint, p_grain_id_n1 bigint, p_grain_type_hash integer,
    p_grain_type varchar, p_grain_id_extension varchar, p_service_id varchar, p_version integer,
    p_payload bytea)
RETURNS TABLE (NewGrainStateVersion integer)
LANGUAGE plpgsql AS
$$
DECLARE
    v_rows integer;
BEGIN
    IF p_version IS NOT NULL THEN
        UPDATE OrleansStorage
        SET PayloadBinary = p_payload, ModifiedOn = (now() AT TIME ZONE 'utc'), Version = Version + 1
        WHERE GrainIdHash = p_grain_id_hash AND GrainTypeHash = p_grain_type_hash
          AND GrainIdN0 = p_grain_id_n0 AND GrainIdN1 = p_grain_id_n1
          AND GrainTypeString = p_grain_type
          AND GrainIdExtensionString IS NOT DISTINCT FROM p_grain_id_extension
          AND ServiceId = p_service_id
          AND Version = p_version;
        GET DIAGNOSTICS v_rows = ROW_COUNT;
        RETURN QUERY SELECT CASE WHEN v_rows > 0 THEN p_version + 1 ELSE p_version END;
        RETURN;
    END IF;

    -- First write: insert version 1 unless a row exists. Two writers racing on a brand-new key
    -- are serialized by a transaction-scoped lock on the key's hashes.
    PERFORM pg_advisory_xact_lock(p_grain_id_hash, p_grain_type_hash);
    INSERT INTO OrleansStorage
        (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString,
         ServiceId, PayloadBinary, ModifiedOn, Version)
    SELECT p_grain_id_hash, p_grain_id_n0, p_grain_id_n1, p_grain_type_hash, p_grain_type, p_grain_id_extension,
           p_service_id, p_payload, (now() AT TIME ZONE 'utc'), 1
    WHERE NOT EXISTS
    (
        SELECT 1 FROM OrleansStorage
        WHERE GrainIdHash = p_grain_id_hash AND GrainTypeHash = p_grain_type_hash
          AND GrainIdN0 = p_grain_id_n0 AND GrainIdN1 = p_grain_id_n1
          AND GrainTypeString = p_grain_type
          AND GrainIdExtensionString IS NOT DISTINCT FROM p_grain_id_extension
          AND ServiceId = p_service_id
    );
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN QUERY SELECT CASE WHEN v_rows > 0 THEN 1 ELSE NULL::integer END;
END
$$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('WriteToStorageKey', '
SELECT NewGrainStateVersion FROM statefulspot_storage_write(
    @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString,
    @ServiceId, @GrainStateVersion, @PayloadBinary);
'),
('ReadFromStorageKey', '
SELECT PayloadBinary, Version
FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS NOT DISTINCT FROM CAST(@GrainIdExtensionString AS varchar)
  AND ServiceId = @ServiceId
LIMIT 1;
'),
-- Clear keeps the row (payload NULL) and bumps the version, under the same check.
('ClearStorageKey', '
UPDATE OrleansStorage
SET PayloadBinary = NULL, ModifiedOn = (now() AT TIME ZONE ''utc''), Version = Version + 1
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS NOT DISTINCT FROM CAST(@GrainIdExtensionString AS varchar)
  AND ServiceId = @ServiceId
  AND Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;
'),
-- Delete (only with DeleteStateOnClear) removes the row under the same check.
('DeleteStorageKey', '
DELETE FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS NOT DISTINCT FROM CAST(@GrainIdExtensionString AS varchar)
  AND ServiceId = @ServiceId
  AND Version = @GrainStateVersion
RETURNING Version + 1 AS NewGrainStateVersion;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

------------------------------------------------------------------------------------------------
-- Reminders: one row per (ServiceId, grain, reminder name); GrainHash places it on the ring.
------------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS OrleansRemindersTable
(
    ServiceId    varchar(150)   NOT NULL,
    GrainId      varchar(150)   NOT NULL,
    ReminderName varchar(150)   NOT NULL,
    StartTime    timestamptz(3) NOT NULL,
    Period       bigint         NOT NULL,
    GrainHash    integer        NOT NULL,
    Version      integer        NOT NULL,
    CONSTRAINT PK_RemindersTable_ServiceId_GrainId_ReminderName PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

-- Inserts or replaces a reminder and returns its new version (0 for a new one).
CREATE OR REPLACE FUNCTION statefulspot_reminder_upsert(
    p_service_id varchar, p_grain_id varchar, p_reminder_name varchar, p_start_time timestamptz,
    p_period bigint, p_grain_hash integer)
RETURNS TABLE (Version integer)
LANGUAGE sql AS
$$
    INSERT INTO OrleansRemindersTable AS r (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
    VALUES (p_service_id, p_grain_id, p_reminder_name, p_start_time, p_period, p_grain_hash, 0)
    ON CONFLICT (ServiceId, GrainId, ReminderName) DO UPDATE
        SET StartTime = EXCLUDED.StartTime, Period = EXCLUDED.Period, GrainHash = EXCLUDED.GrainHash,
            Version = r.Version + 1
    RETURNING r.Version;
$$;

-- Deletes a reminder at the version the caller knows: 1 when deleted, 0 otherwise.
CREATE OR REPLACE FUNCTION statefulspot_reminder_delete(
    p_service_id varchar, p_grain_id varchar, p_reminder_name varchar, p_version integer)
RETURNS TABLE (row_count integer)
LANGUAGE sql AS
$$
    WITH deleted AS
    (
        DELETE FROM OrleansRemindersTable
        WHERE ServiceId = p_service_id AND GrainId = p_grain_id AND ReminderName = p_reminder_name
          AND Version = p_version
        RETURNING 1
    )
    SELECT count(*)::integer FROM deleted;
$$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('UpsertReminderRowKey', '
SELECT Version FROM statefulspot_reminder_upsert(@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash);
'),
('DeleteReminderRowKey', '
SELECT row_count FROM statefulspot_reminder_delete(@ServiceId, @GrainId, @ReminderName, @Version);
'),
('ReadReminderRowsKey', '
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND GrainId = @GrainId;
'),
('ReadReminderRowKey', '
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName;
'),
-- The ring range (BeginHash, EndHash] when it does not wrap ...
('ReadRangeRows1Key', '
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND GrainHash > @BeginHash AND GrainHash <= @EndHash;
'),
-- ... and when it wraps around the end of the ring.
('ReadRangeRows2Key', '
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND (GrainHash > @BeginHash OR GrainHash <= @EndHash);
'),
('DeleteReminderRowsKey', '
DELETE FROM OrleansRemindersTable WHERE ServiceId = @ServiceId;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
