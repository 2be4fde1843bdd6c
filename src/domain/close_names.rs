//! Names close to one typed: for a vendor name that matches none, the ones
//! the user may have meant ("Comcats" → Comcast).

/// Edits (insert, delete, replace one character) from one text to another.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// The known names close to `typed` (any case): one containing it or
/// contained in it, or a few typos away (one per four characters, at least
/// two); the closest first, at most `max` of them.
pub fn close_names<'a>(known: &'a [String], typed: &str, max: usize) -> Vec<&'a str> {
    let t = typed.trim().to_lowercase();
    if t.is_empty() {
        return Vec::new();
    }
    let allowed = (t.chars().count() / 4).max(2);
    let mut found: Vec<(usize, &str)> = known
        .iter()
        .filter_map(|name| {
            let n = name.to_lowercase();
            let d = distance(&n, &t);
            let inside = n.contains(&t) || t.contains(&n);
            (inside || d <= allowed).then_some((if inside { 0 } else { d }, name.as_str()))
        })
        .collect();
    found.sort_by_key(|(d, name)| (*d, name.to_lowercase()));
    found.dedup_by_key(|(_, name)| name.to_lowercase());
    found.into_iter().take(max).map(|(_, n)| n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_and_pieces_of_a_name_find_it() {
        let known: Vec<String> = ["Comcast", "Southwest Airlines", "Amazon", "Acme"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(close_names(&known, "Comcats", 3), ["Comcast"]);
        assert_eq!(close_names(&known, "southwest", 3), ["Southwest Airlines"]);
        assert_eq!(close_names(&known, "acne", 3), ["Acme"]);
        assert!(close_names(&known, "Verizon", 3).is_empty());
        assert!(close_names(&known, " ", 3).is_empty());
    }
}
