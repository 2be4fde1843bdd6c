-- Writing many cases at once (import, generate, demo): an import sends a
-- case's rows in bulk, with COPY, and gives their ids itself (see
-- src/store/db/pg_rows.rs). What the server did for each row, it now does
-- once per statement where it can, with the same rules.

-- 1. The id trigger runs only for a row without an id (a row that comes
-- with its id needs nothing from it).
DROP TRIGGER vendors_id ON vendors;
CREATE TRIGGER vendors_id BEFORE INSERT ON vendors
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION casebook_next_id();
DROP TRIGGER cases_id ON cases;
CREATE TRIGGER cases_id BEFORE INSERT ON cases
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION casebook_next_id();
DROP TRIGGER touchpoints_id ON touchpoints;
CREATE TRIGGER touchpoints_id BEFORE INSERT ON touchpoints
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION casebook_next_id();
DROP TRIGGER events_id ON events;
CREATE TRIGGER events_id BEFORE INSERT ON events
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION casebook_next_id();
DROP TRIGGER channel_names_id ON channel_names;
CREATE TRIGGER channel_names_id BEFORE INSERT ON channel_names
    FOR EACH ROW WHEN (NEW.id IS NULL) EXECUTE FUNCTION casebook_next_id();

-- 2. The references of the tables an import fills by the thousand (a
-- touch's case and party, a tag's and a flag's case, a case's vendor and
-- marketplace) are checked once per INSERT statement, over all its rows,
-- instead of by a foreign key's check per row (which took a third of an
-- import's time on the server). The rules stay those of the foreign keys
-- they replace:
-- - a row names a case (a vendor) that exists, when inserted or when it
--   changes to another; the rows it names that other transactions can see
--   are locked FOR KEY SHARE, as a foreign key's check locks them, so that
--   none is deleted before this transaction ends;
-- - deleting a case deletes its touches, tags and flags (ON DELETE CASCADE);
-- - a case or vendor still named cannot be deleted, nor its id changed
--   (NO ACTION).
ALTER TABLE touchpoints DROP CONSTRAINT touchpoints_case_id_fkey,
    DROP CONSTRAINT touchpoints_party_id_fkey;
ALTER TABLE case_tags DROP CONSTRAINT case_tags_case_id_fkey;
ALTER TABLE case_flags DROP CONSTRAINT case_flags_case_id_fkey;
ALTER TABLE cases DROP CONSTRAINT cases_vendor_id_fkey,
    DROP CONSTRAINT cases_marketplace_id_fkey;

-- The error a foreign key gives, for a row naming what does not exist.
CREATE FUNCTION casebook_missing(child text, col text, parent text, missing bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'insert or update on table "%" violates foreign key constraint "%_%_fkey"', child, child, col
        USING ERRCODE = 'foreign_key_violation',
              DETAIL = format('Key (%s)=(%s) is not present in table "%s".', col, missing, parent);
END $$;

-- The checks of an INSERT's rows (`new_rows`), one function per table.
CREATE FUNCTION casebook_touchpoints_refer() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing bigint;
BEGIN
    PERFORM 1 FROM cases c WHERE c.id IN (SELECT n.case_id FROM new_rows n)
        AND c.xmin <> pg_current_xact_id()::xid FOR KEY SHARE OF c;
    SELECT n.case_id INTO missing FROM new_rows n
        WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = n.case_id) LIMIT 1;
    IF FOUND THEN
        PERFORM casebook_missing('touchpoints', 'case_id', 'cases', missing);
    END IF;
    PERFORM 1 FROM vendors v WHERE v.id IN (SELECT n.party_id FROM new_rows n)
        AND v.xmin <> pg_current_xact_id()::xid FOR KEY SHARE OF v;
    SELECT n.party_id INTO missing FROM new_rows n
        WHERE n.party_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM vendors v WHERE v.id = n.party_id) LIMIT 1;
    IF FOUND THEN
        PERFORM casebook_missing('touchpoints', 'party_id', 'vendors', missing);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER touchpoints_refer AFTER INSERT ON touchpoints
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION casebook_touchpoints_refer();

-- A tag's or a flag's case (TG_ARGV[0]: the table).
CREATE FUNCTION casebook_case_rows_refer() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing bigint;
BEGIN
    PERFORM 1 FROM cases c WHERE c.id IN (SELECT n.case_id FROM new_rows n)
        AND c.xmin <> pg_current_xact_id()::xid FOR KEY SHARE OF c;
    SELECT n.case_id INTO missing FROM new_rows n
        WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = n.case_id) LIMIT 1;
    IF FOUND THEN
        PERFORM casebook_missing(TG_ARGV[0], 'case_id', 'cases', missing);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER case_tags_refer AFTER INSERT ON case_tags
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION casebook_case_rows_refer('case_tags');
CREATE TRIGGER case_flags_refer AFTER INSERT ON case_flags
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION casebook_case_rows_refer('case_flags');

CREATE FUNCTION casebook_cases_refer() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing bigint;
BEGIN
    PERFORM 1 FROM vendors v
        WHERE v.id IN (SELECT n.vendor_id FROM new_rows n UNION SELECT n.marketplace_id FROM new_rows n)
        AND v.xmin <> pg_current_xact_id()::xid FOR KEY SHARE OF v;
    SELECT n.vendor_id INTO missing FROM new_rows n
        WHERE NOT EXISTS (SELECT 1 FROM vendors v WHERE v.id = n.vendor_id) LIMIT 1;
    IF FOUND THEN
        PERFORM casebook_missing('cases', 'vendor_id', 'vendors', missing);
    END IF;
    SELECT n.marketplace_id INTO missing FROM new_rows n
        WHERE n.marketplace_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM vendors v WHERE v.id = n.marketplace_id) LIMIT 1;
    IF FOUND THEN
        PERFORM casebook_missing('cases', 'marketplace_id', 'vendors', missing);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER cases_refer AFTER INSERT ON cases
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION casebook_cases_refer();

-- A row that changes what it names (rare: an edit) is checked by itself.
CREATE FUNCTION casebook_row_refers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'cases' THEN
        PERFORM 1 FROM vendors v WHERE v.id IN (NEW.vendor_id, NEW.marketplace_id) FOR KEY SHARE OF v;
        IF NOT EXISTS (SELECT 1 FROM vendors v WHERE v.id = NEW.vendor_id) THEN
            PERFORM casebook_missing('cases', 'vendor_id', 'vendors', NEW.vendor_id);
        END IF;
        IF NEW.marketplace_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM vendors v WHERE v.id = NEW.marketplace_id) THEN
            PERFORM casebook_missing('cases', 'marketplace_id', 'vendors', NEW.marketplace_id);
        END IF;
    ELSIF TG_TABLE_NAME = 'touchpoints' THEN
        PERFORM 1 FROM cases c WHERE c.id = NEW.case_id FOR KEY SHARE OF c;
        IF NOT FOUND THEN
            PERFORM casebook_missing('touchpoints', 'case_id', 'cases', NEW.case_id);
        END IF;
        IF NEW.party_id IS NOT NULL THEN
            PERFORM 1 FROM vendors v WHERE v.id = NEW.party_id FOR KEY SHARE OF v;
            IF NOT FOUND THEN
                PERFORM casebook_missing('touchpoints', 'party_id', 'vendors', NEW.party_id);
            END IF;
        END IF;
    ELSE
        PERFORM 1 FROM cases c WHERE c.id = NEW.case_id FOR KEY SHARE OF c;
        IF NOT FOUND THEN
            PERFORM casebook_missing(TG_TABLE_NAME, 'case_id', 'cases', NEW.case_id);
        END IF;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER cases_refer_changed AFTER UPDATE OF vendor_id, marketplace_id ON cases FOR EACH ROW
    WHEN (NEW.vendor_id IS DISTINCT FROM OLD.vendor_id OR NEW.marketplace_id IS DISTINCT FROM OLD.marketplace_id)
    EXECUTE FUNCTION casebook_row_refers();
CREATE TRIGGER touchpoints_refer_changed AFTER UPDATE OF case_id, party_id ON touchpoints FOR EACH ROW
    WHEN (NEW.case_id IS DISTINCT FROM OLD.case_id OR NEW.party_id IS DISTINCT FROM OLD.party_id)
    EXECUTE FUNCTION casebook_row_refers();
CREATE TRIGGER case_tags_refer_changed AFTER UPDATE OF case_id ON case_tags FOR EACH ROW
    WHEN (NEW.case_id IS DISTINCT FROM OLD.case_id) EXECUTE FUNCTION casebook_row_refers();
CREATE TRIGGER case_flags_refer_changed AFTER UPDATE OF case_id ON case_flags FOR EACH ROW
    WHEN (NEW.case_id IS DISTINCT FROM OLD.case_id) EXECUTE FUNCTION casebook_row_refers();

-- A deleted case takes its touches, tags, flags and figures with it.
CREATE FUNCTION casebook_case_rows_follow_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM touchpoints WHERE case_id = OLD.id;
    DELETE FROM case_tags WHERE case_id = OLD.id;
    DELETE FROM case_flags WHERE case_id = OLD.id;
    DELETE FROM case_figures WHERE case_id = OLD.id;
    RETURN OLD;
END $$;
DROP TRIGGER case_figures_follow_delete ON cases;
DROP FUNCTION casebook_case_figures_follow_delete();
CREATE TRIGGER case_rows_follow_delete AFTER DELETE ON cases
    FOR EACH ROW EXECUTE FUNCTION casebook_case_rows_follow_delete();

-- A case whose id changes (casebook never does it) while rows name it, or
-- a vendor deleted or renumbered while a case or touch names it: refused.
CREATE FUNCTION casebook_still_named() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'cases' THEN
        IF EXISTS (SELECT 1 FROM touchpoints WHERE case_id = OLD.id)
           OR EXISTS (SELECT 1 FROM case_tags WHERE case_id = OLD.id)
           OR EXISTS (SELECT 1 FROM case_flags WHERE case_id = OLD.id) THEN
            RAISE EXCEPTION 'update or delete on table "cases" violates a foreign key of the rows that name it'
                USING ERRCODE = 'foreign_key_violation',
                      DETAIL = format('Key (id)=(%s) is still referenced.', OLD.id);
        END IF;
    ELSIF EXISTS (SELECT 1 FROM cases WHERE vendor_id = OLD.id OR marketplace_id = OLD.id)
          OR EXISTS (SELECT 1 FROM touchpoints WHERE party_id = OLD.id) THEN
        RAISE EXCEPTION 'update or delete on table "vendors" violates a foreign key of the rows that name it'
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = format('Key (id)=(%s) is still referenced.', OLD.id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER cases_id_still_named AFTER UPDATE OF id ON cases FOR EACH ROW
    WHEN (NEW.id IS DISTINCT FROM OLD.id) EXECUTE FUNCTION casebook_still_named();
CREATE TRIGGER vendors_still_named_on_delete AFTER DELETE ON vendors FOR EACH ROW
    EXECUTE FUNCTION casebook_still_named();
CREATE TRIGGER vendors_id_still_named AFTER UPDATE OF id ON vendors FOR EACH ROW
    WHEN (NEW.id IS DISTINCT FROM OLD.id) EXECUTE FUNCTION casebook_still_named();

-- 3. An event's old and new values (a `created` event holds the case and
-- its touches as logged: a few kilobytes) are compressed with lz4 where the
-- server has it: several times faster than the default to write and read.
DO $$
BEGIN
    ALTER TABLE events ALTER COLUMN old_value SET COMPRESSION lz4,
        ALTER COLUMN new_value SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
    NULL;
END $$;
