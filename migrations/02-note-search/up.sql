-- Full-text search over touch notes, so that free words in a filter do not
-- scan every note. Kept in step with touchpoints by triggers.
CREATE VIRTUAL TABLE touch_notes USING fts5(
    note, content = 'touchpoints', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO touch_notes (touch_notes) VALUES ('rebuild');

CREATE TRIGGER touch_notes_after_insert AFTER INSERT ON touchpoints
BEGIN INSERT INTO touch_notes (rowid, note) VALUES (new.id, new.note); END;
CREATE TRIGGER touch_notes_after_delete AFTER DELETE ON touchpoints
BEGIN INSERT INTO touch_notes (touch_notes, rowid, note) VALUES ('delete', old.id, old.note); END;
CREATE TRIGGER touch_notes_after_update AFTER UPDATE OF note ON touchpoints
BEGIN
    INSERT INTO touch_notes (touch_notes, rowid, note) VALUES ('delete', old.id, old.note);
    INSERT INTO touch_notes (rowid, note) VALUES (new.id, new.note);
END;
