//! What a resolved region is: an administrative division of GB/T 2260 with
//! its level and parents, or a functional area inside one. The types alone,
//! so that `region` (the division table) and `area` (functional areas) both
//! use them without importing each other both ways.

use serde::Serialize;

/// Administrative level of a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Province,
    City,
    County,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::City => "city",
            Level::County => "county",
        }
    }

    pub(crate) fn of_code(code: u32) -> Level {
        if code % 10_000 == 0 {
            Level::Province
        } else if code % 100 == 0 {
            Level::City
        } else {
            Level::County
        }
    }
}

/// A resolved region with its parents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Region {
    /// Six-digit GB/T 2260 code, e.g. `220881`.
    pub code: String,
    pub name: String,
    pub level: Level,
    pub province: String,
    /// Pinyin of the province, as used for rule packs: `jilin`.
    pub province_pinyin: String,
    pub city: Option<String>,
    pub county: Option<String>,
    /// For a city: whether it has districts (设区的市, which may make 规章).
    pub districted: bool,
    /// For a functional area (新区, 开发区, 自贸试验区片区…, `src/area.rs`): its
    /// kind; `name` is then the area's name and the other fields its division.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
}

impl Region {
    /// 「吉林省·白城市·洮南市」.
    pub fn path(&self) -> String {
        [
            Some(&self.province),
            self.city.as_ref(),
            self.county.as_ref(),
        ]
        .into_iter()
        .flatten()
        .chain(
            (self.area.is_some() && self.county.as_ref() != Some(&self.name)).then_some(&self.name),
        )
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("·")
    }
}
