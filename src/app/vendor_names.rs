//! The vendor fields of the forms (a case's vendor and marketplace, a
//! touch's party): completion from the known vendors and their aliases, and
//! a question before a name that matches none creates a new vendor.

use super::form::Form;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

/// The fields that name a vendor.
pub const FIELDS: [&str; 3] = ["vendor", "marketplace", "party"];

/// Every name a vendor is known by, (the name typed, the vendor's name),
/// from the store's vendors and aliases.
pub fn known(vendors: Vec<(String, Vec<String>)>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (name, aliases) in vendors {
        for alias in aliases {
            out.push((alias, name.clone()));
        }
        out.push((name.clone(), name));
    }
    out.sort_by_key(|(typed, _)| typed.to_lowercase());
    out
}

/// The known vendor this text names exactly (by name or alias, any case).
pub fn exact<'a>(known: &'a [(String, String)], text: &str) -> Option<&'a str> {
    let t = text.trim().to_lowercase();
    known
        .iter()
        .find(|(typed, _)| typed.to_lowercase() == t)
        .map(|(_, name)| name.as_str())
}

/// The first known name that starts with the text (any case), when the
/// text is not already a whole name.
pub fn completion<'a>(known: &'a [(String, String)], text: &str) -> Option<&'a (String, String)> {
    let t = text.trim().to_lowercase();
    if t.is_empty() || exact(known, text).is_some() {
        return None;
    }
    known
        .iter()
        .find(|(typed, _)| typed.to_lowercase().starts_with(&t))
}

/// Sets a vendor field's hint: what → would complete to, whose alias the
/// text is, or that it would be a new vendor.
pub fn hint(form: &mut Form, field: &str) {
    if !FIELDS.contains(&field) {
        return;
    }
    let value = form.value(field);
    let text = if value.is_empty() {
        None
    } else if let Some(name) = exact(&form.vendor_names, &value) {
        (!name.eq_ignore_ascii_case(value.trim())).then(|| format!("= {name}"))
    } else if let Some((typed, name)) = completion(&form.vendor_names, &value) {
        Some(if typed == name {
            format!("→ {typed}")
        } else {
            format!("→ {typed} ({name})")
        })
    } else {
        Some("a new vendor".to_string())
    };
    if let Some(f) = form.field_mut(field) {
        if text.is_some()
            || f.hint
                .as_deref()
                .is_some_and(|h| h.starts_with(['→', '=']) || h == "a new vendor")
        {
            f.hint = text;
        }
    }
}

/// → at the end of a vendor field takes the completion; true when it did.
pub fn accept(form: &mut Form, key: KeyEvent) -> bool {
    let Some(field) = form.focused() else {
        return false;
    };
    let name = field.name;
    let ratatui_textarea::DataCursor(row, col) = field.text.cursor();
    let at_end = field
        .text
        .lines()
        .get(row)
        .is_some_and(|l| col >= l.chars().count());
    if key.code != KeyCode::Right || !FIELDS.contains(&name) || !at_end {
        return false;
    }
    let Some((typed, _)) = completion(&form.vendor_names, &form.value(name)).cloned() else {
        return false;
    };
    if let Some(f) = form.field_mut(name) {
        f.set_text(&typed);
    }
    form.changed = true;
    hint(form, name);
    true
}

/// The first vendor field naming no known vendor that the user has not yet
/// agreed to create: it asks, and the next save goes ahead.
pub fn ask_before_creating(form: &mut Form) -> bool {
    for field in FIELDS {
        let value = form.value(field);
        if value.is_empty() || exact(&form.vendor_names, &value).is_some() {
            continue;
        }
        if form
            .new_vendors_ok
            .iter()
            .any(|v| v.eq_ignore_ascii_case(&value))
        {
            continue;
        }
        form.new_vendors_ok.push(value.clone());
        form.focus_name(field);
        form.error = Some(format!(
            "'{value}' is not a known vendor: Enter again creates it, or → completes a known one"
        ));
        return true;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completes_names_and_aliases_and_knows_exact_ones() {
        let k = known(vec![
            ("Acme".into(), vec![]),
            ("Acme Plus".into(), vec![]),
            ("Comcast".into(), vec!["Xfinity".into()]),
        ]);
        assert_eq!(exact(&k, "xfinity"), Some("Comcast"));
        assert_eq!(exact(&k, " acme "), Some("Acme"));
        assert_eq!(exact(&k, "Acm"), None);
        assert_eq!(completion(&k, "acm").map(|c| c.0.as_str()), Some("Acme"));
        assert_eq!(
            completion(&k, "acme p").map(|c| c.0.as_str()),
            Some("Acme Plus")
        );
        assert_eq!(completion(&k, "xf").map(|c| c.1.as_str()), Some("Comcast"));
        assert_eq!(completion(&k, "acme"), None);
        assert_eq!(completion(&k, "zed"), None);
    }
}
