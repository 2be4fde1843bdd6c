//! Vendors: unique by name case-insensitively, with aliases for imports.

use super::db::{params, Connection, OptionalExtension};
use super::{Result, Store};

pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The name a vendor is kept under, when `name` is that name in any case
/// or one of its aliases; None for a vendor not known yet.
pub fn stored_name(conn: &Connection, name: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT name FROM vendors WHERE name_key = ?1
             UNION ALL SELECT v.name FROM vendor_aliases a JOIN vendors v ON v.id = a.vendor_id
             WHERE a.alias_key = ?1 LIMIT 1",
        )?
        .query_row([name_key(name)], |r| r.get(0))
        .optional()?)
}

/// The id of the vendor with this name or alias, created if there is none.
pub fn vendor_id(conn: &Connection, name: &str) -> Result<i64> {
    let key = name_key(name);
    // A bulk write on a server asks once per vendor (see db/pg_rows.rs).
    let server = conn.postgres();
    if let Some(id) = server.and_then(|pg| pg.looked_up("vendor", &key)) {
        return Ok(id);
    }
    let id = vendor_id_of_key(conn, name, &key)?;
    if let Some(pg) = server {
        pg.keep_looked_up("vendor", &key, id);
    }
    Ok(id)
}

fn vendor_id_of_key(conn: &Connection, name: &str, key: &str) -> Result<i64> {
    let found: Option<i64> = conn
        .prepare_apart(
            "SELECT id FROM vendors WHERE name_key = ?1
             UNION ALL SELECT vendor_id FROM vendor_aliases WHERE alias_key = ?1 LIMIT 1",
        )?
        .query_row([key], |r| r.get(0))
        .optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    Ok(conn
        .prepare_apart("INSERT INTO vendors (name, name_key) VALUES (?1, ?2) RETURNING id")?
        .query_row(params![name.trim(), key], |r| r.get(0))?)
}

impl Store {
    /// Makes `alias` another name of `vendor` (created if need be).
    pub fn add_vendor_alias(&mut self, vendor: &str, alias: &str) -> Result<()> {
        self.writable()?;
        let tx = super::write_tx(&mut self.conn)?;
        let id = vendor_id(&tx, vendor)?;
        tx.execute(
            "INSERT INTO vendor_aliases (alias_key, alias, vendor_id) VALUES (?1, ?2, ?3)
             ON CONFLICT(alias_key) DO UPDATE SET vendor_id = excluded.vendor_id, alias = excluded.alias",
            params![name_key(alias), alias.trim(), id],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Every vendor with its aliases, by name.
    /// None when a vendor has this name or alias; else the names (and
    /// aliases) close to it, for a warning: "no vendor 'Comcats' (close: Comcast)".
    pub fn unknown_vendor(&self, name: &str) -> Result<Option<Vec<String>>> {
        let vendors = self.vendors()?;
        let key = name_key(name);
        let mut every = Vec::new();
        for (v, aliases) in vendors {
            every.extend(aliases);
            every.push(v);
        }
        if every.iter().any(|n| name_key(n) == key) {
            return Ok(None);
        }
        let close = crate::domain::close_names::close_names(&every, name, 5);
        Ok(Some(close.into_iter().map(String::from).collect()))
    }

    pub fn vendors(&self) -> Result<Vec<(String, Vec<String>)>> {
        let mut stmt = self.conn.prepare(
            "SELECT v.name, a.alias FROM vendors v LEFT JOIN vendor_aliases a ON a.vendor_id = v.id
             ORDER BY v.name_key, a.alias_key",
        )?;
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
        })?;
        for row in rows {
            let (name, alias) = row?;
            if out.last().is_none_or(|(n, _)| *n != name) {
                out.push((name, Vec::new()));
            }
            if let (Some(a), Some(last)) = (alias, out.last_mut()) {
                last.1.push(a);
            }
        }
        Ok(out)
    }
}
