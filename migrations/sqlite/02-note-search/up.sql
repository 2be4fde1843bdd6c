-- Full-text search over touch notes, so that free words in a filter do not
-- scan every note. The store keeps it in step with touchpoints (not triggers:
-- FTS5 writes its index out at every statement a trigger fires in, which made
-- bulk imports three times slower; the store adds an import's notes at once).
CREATE VIRTUAL TABLE touch_notes USING fts5(
    note, content = 'touchpoints', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO touch_notes (touch_notes) VALUES ('rebuild');
