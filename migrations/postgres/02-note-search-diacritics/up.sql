-- Note search ignores diacritics, as the file's FTS5 index does
-- (remove_diacritics 2): "creme" finds "Crème". unaccent is a trusted
-- extension of PostgreSQL's contrib: the database's owner may add it.
CREATE EXTENSION IF NOT EXISTS unaccent;

-- unaccent() is only STABLE (its dictionary could change); a generated
-- column needs an IMMUTABLE function, with the dictionary named.
CREATE FUNCTION casebook_words(note text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT to_tsvector('simple', unaccent('unaccent'::regdictionary, note))
$$;

ALTER TABLE touchpoints DROP COLUMN note_search;
ALTER TABLE touchpoints ADD COLUMN note_search tsvector GENERATED ALWAYS AS (casebook_words(note)) STORED;
CREATE INDEX touchpoints_note_search ON touchpoints USING GIN (note_search);

CREATE OR REPLACE FUNCTION casebook_note_query(phrase text) RETURNS tsquery LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    inner_text text := replace(regexp_replace(phrase, '^"(.*)"\*$', '\1', 's'), '""', '"');
    words text[] := array_remove(regexp_split_to_array(
        lower(unaccent('unaccent'::regdictionary, inner_text)), '[^[:alnum:]_]+'), '');
    q text := '';
    i int;
BEGIN
    IF words IS NULL OR array_length(words, 1) IS NULL THEN
        RETURN NULL;
    END IF;
    FOR i IN 1 .. array_length(words, 1) LOOP
        IF i > 1 THEN
            q := q || ' <-> ';
        END IF;
        q := q || quote_literal(words[i]);
        IF i = array_length(words, 1) THEN
            q := q || ':*';
        END IF;
    END LOOP;
    RETURN to_tsquery('simple', q);
END $$;
