//! Colours and emphasis in one place. With `NO_COLOR` set (and not empty) no
//! colour is used at all: only bold, dim, underline and reverse video.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone)]
pub struct Theme {
    pub color: bool,
    pub title: Style,
    pub dim: Style,
    pub header: Style,
    pub selected: Style,
    pub tab_active: Style,
    pub tab: Style,
    pub key: Style,
    pub error: Style,
    pub ok: Style,
    pub warn: Style,
    /// A friction flag, and the one positive pattern.
    pub flag: Style,
    pub delight: Style,
    /// A touch that is evidence of the selected flag.
    pub evidence: Style,
    /// The channel map's stages, by who held the ball.
    pub vendor_wait: Style,
    pub customer_wait: Style,
    pub nobody_wait: Style,
    pub bar: Style,
    pub border: Style,
    pub popup: Style,
}

const BOLD: Modifier = Modifier::BOLD;

impl Theme {
    /// Colour unless the `NO_COLOR` convention says otherwise.
    pub fn from_env() -> Theme {
        match std::env::var_os("NO_COLOR") {
            Some(v) if !v.is_empty() => Theme::plain(),
            _ => Theme::colored(),
        }
    }

    pub fn colored() -> Theme {
        let fg = |c: Color| Style::default().fg(c);
        Theme {
            color: true,
            title: fg(Color::Cyan).add_modifier(BOLD),
            dim: fg(Color::DarkGray),
            header: fg(Color::Yellow).add_modifier(BOLD),
            selected: Style::default().bg(Color::Indexed(237)).add_modifier(BOLD),
            tab_active: Style::default()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(BOLD),
            tab: fg(Color::Gray),
            key: fg(Color::Cyan).add_modifier(BOLD),
            error: fg(Color::LightRed).add_modifier(BOLD),
            ok: fg(Color::Green),
            warn: fg(Color::Yellow),
            flag: fg(Color::LightRed),
            delight: fg(Color::LightGreen),
            evidence: fg(Color::LightYellow).add_modifier(BOLD),
            vendor_wait: Style::default().fg(Color::Black).bg(Color::LightRed),
            customer_wait: Style::default().fg(Color::White).bg(Color::Blue),
            nobody_wait: fg(Color::DarkGray),
            bar: fg(Color::Cyan),
            border: fg(Color::DarkGray),
            popup: Style::default(),
        }
    }

    pub fn plain() -> Theme {
        let m = |m: Modifier| Style::default().add_modifier(m);
        Theme {
            color: false,
            title: m(BOLD),
            dim: m(Modifier::DIM),
            header: m(BOLD | Modifier::UNDERLINED),
            selected: m(Modifier::REVERSED),
            tab_active: m(Modifier::REVERSED | BOLD),
            tab: Style::default(),
            key: m(BOLD),
            error: m(BOLD),
            ok: Style::default(),
            warn: m(BOLD),
            flag: m(BOLD),
            delight: m(Modifier::ITALIC),
            evidence: m(BOLD | Modifier::UNDERLINED),
            vendor_wait: m(Modifier::REVERSED),
            customer_wait: Style::default(),
            nobody_wait: m(Modifier::DIM),
            bar: Style::default(),
            border: Style::default(),
            popup: Style::default(),
        }
    }

    /// The fill of a channel-map stage, so stages differ without colour too.
    pub fn wait_fill(&self, vendor: bool, customer: bool) -> char {
        match (vendor, customer) {
            (true, _) => ' ',
            (_, true) if self.color => ' ',
            (_, true) => '░',
            _ => '·',
        }
    }
}
