-- How many cases there are, kept as they are added and deleted: a server
-- counts a million rows in a sixth of a second at best (a file's count
-- reads its smallest index in a few hundredths), and the app's case list
-- says how many there are every time it reads its page again (a
-- teammate's write, each of one's own). Kept once per statement, over its
-- rows, by the statement's own triggers: an import's COPY of thousands of
-- cases changes it once. `check` compares it with a count of the rows.
CREATE TABLE case_count (
    only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
    n BIGINT NOT NULL
);
INSERT INTO case_count (n) SELECT count(*) FROM cases;

CREATE FUNCTION casebook_count_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE case_count SET n = n + (SELECT count(*) FROM new_rows);
    RETURN NULL;
END $$;
CREATE FUNCTION casebook_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE case_count SET n = n - (SELECT count(*) FROM old_rows);
    RETURN NULL;
END $$;
CREATE FUNCTION casebook_count_emptied() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE case_count SET n = 0;
    RETURN NULL;
END $$;
CREATE TRIGGER cases_counted_in AFTER INSERT ON cases
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION casebook_count_added();
CREATE TRIGGER cases_counted_out AFTER DELETE ON cases
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION casebook_count_deleted();
CREATE TRIGGER cases_counted_none AFTER TRUNCATE ON cases
    FOR EACH STATEMENT EXECUTE FUNCTION casebook_count_emptied();
