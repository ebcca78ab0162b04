//! The three national statistical tables of 国办公开办函〔2021〕30号, as data.
//!
//! Every row and column has a stable English key (the contract rule scripts and
//! the YAML schema use) and its official Chinese label. `docs/model.md` lists
//! the same keys; a test keeps the two in step.

/// Which national table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TableKey {
    T2,
    T3,
    T4,
}

impl TableKey {
    pub const ALL: [TableKey; 3] = [TableKey::T2, TableKey::T3, TableKey::T4];

    pub fn as_str(self) -> &'static str {
        match self {
            TableKey::T2 => "t2",
            TableKey::T3 => "t3",
            TableKey::T4 => "t4",
        }
    }

    pub fn parse(key: &str) -> Option<TableKey> {
        TableKey::ALL.into_iter().find(|t| t.as_str() == key)
    }

    pub fn schema(self) -> &'static TableSchema {
        match self {
            TableKey::T2 => &T2,
            TableKey::T3 => &T3,
            TableKey::T4 => &T4,
        }
    }
}

/// A row of a national table.
#[derive(Debug)]
pub struct RowSpec {
    pub key: &'static str,
    /// The official label of the row itself (the leaf label for table 三).
    pub label: &'static str,
    /// How the row is named in messages, with its parent: 「（三）1.属于国家秘密」.
    pub display: &'static str,
    /// Columns this row has (table 二 rows each have their own).
    pub columns: &'static [&'static str],
    /// Fragments that identify the row after label normalisation; all must occur.
    pub keywords: &'static [&'static str],
}

/// A column of a national table.
#[derive(Debug)]
pub struct ColumnSpec {
    pub key: &'static str,
    pub label: &'static str,
    /// Whether a cell of this column holds a count (integer) or money (decimal).
    pub kind: ValueKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Count,
    Money,
}

/// A named set of row or column keys that rules iterate over.
#[derive(Debug)]
pub struct Group {
    pub name: &'static str,
    pub keys: &'static [&'static str],
}

#[derive(Debug)]
pub struct TableSchema {
    pub key: TableKey,
    /// 「表二」
    pub label: &'static str,
    pub title: &'static str,
    pub rows: &'static [RowSpec],
    pub columns: &'static [ColumnSpec],
    pub groups: &'static [Group],
}

impl TableSchema {
    pub fn row(&self, key: &str) -> Option<&'static RowSpec> {
        self.rows.iter().find(|r| r.key == key)
    }

    pub fn column(&self, key: &str) -> Option<&'static ColumnSpec> {
        self.columns.iter().find(|c| c.key == key)
    }

    pub fn row_index(&self, key: &str) -> Option<usize> {
        self.rows.iter().position(|r| r.key == key)
    }

    pub fn column_index(&self, key: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.key == key)
    }

    pub fn group(&self, name: &str) -> Option<&'static Group> {
        self.groups.iter().find(|g| g.name == name)
    }

    /// The cell name used in messages: 「表三（七）总计·自然人」.
    pub fn place(&self, row: &str, column: &str) -> String {
        let row = self.row(row).map_or(row, |r| r.display);
        let col = self.column(column).map_or(column, |c| c.label);
        // 「表三（七）总计」 reads well; 「表三一、本年新收」 needs a space.
        let sep = if row.starts_with('（') { "" } else { " " };
        format!("{}{sep}{row}·{col}", self.label)
    }
}

const T2_DOC_COLUMNS: &[&str] = &["issued", "abolished", "in_force"];
const T2_DECISIONS: &[&str] = &["decisions"];
const T2_AMOUNT: &[&str] = &["amount"];

pub static T2: TableSchema = TableSchema {
    key: TableKey::T2,
    label: "表二",
    title: "主动公开政府信息情况",
    rows: &[
        RowSpec {
            key: "regulation",
            label: "规章",
            display: "规章",
            columns: T2_DOC_COLUMNS,
            keywords: &["规章"],
        },
        RowSpec {
            key: "normative",
            label: "行政规范性文件",
            display: "行政规范性文件",
            columns: T2_DOC_COLUMNS,
            keywords: &["规范性文件"],
        },
        RowSpec {
            key: "licensing",
            label: "行政许可",
            display: "行政许可",
            columns: T2_DECISIONS,
            keywords: &["行政许可"],
        },
        RowSpec {
            key: "penalty",
            label: "行政处罚",
            display: "行政处罚",
            columns: T2_DECISIONS,
            keywords: &["行政处罚"],
        },
        RowSpec {
            key: "enforcement",
            label: "行政强制",
            display: "行政强制",
            columns: T2_DECISIONS,
            keywords: &["行政强制"],
        },
        RowSpec {
            key: "fee",
            label: "行政事业性收费",
            display: "行政事业性收费",
            columns: T2_AMOUNT,
            keywords: &["行政事业性收费"],
        },
    ],
    columns: &[
        ColumnSpec {
            key: "issued",
            label: "本年制发件数",
            kind: ValueKind::Count,
        },
        ColumnSpec {
            key: "abolished",
            label: "本年废止件数",
            kind: ValueKind::Count,
        },
        ColumnSpec {
            key: "in_force",
            label: "现行有效件数",
            kind: ValueKind::Count,
        },
        ColumnSpec {
            key: "decisions",
            label: "本年处理决定数量",
            kind: ValueKind::Count,
        },
        ColumnSpec {
            key: "amount",
            label: "本年收费金额（单位：万元）",
            kind: ValueKind::Money,
        },
    ],
    groups: &[
        Group {
            name: "documents",
            keys: &["regulation", "normative"],
        },
        Group {
            name: "decisions",
            keys: &["licensing", "penalty", "enforcement"],
        },
    ],
};

const T3_COLUMNS: &[&str] = &[
    "natural",
    "commercial",
    "research",
    "public_interest",
    "legal_service",
    "other",
    "total",
];

macro_rules! t3_row {
    ($key:literal, $label:literal, $display:literal, [$($kw:literal),+]) => {
        RowSpec {
            key: $key,
            label: $label,
            display: $display,
            columns: T3_COLUMNS,
            keywords: &[$($kw),+],
        }
    };
}

pub static T3: TableSchema = TableSchema {
    key: TableKey::T3,
    label: "表三",
    title: "收到和处理政府信息公开申请情况",
    rows: &[
        t3_row!(
            "new",
            "一、本年新收政府信息公开申请数量",
            "一、本年新收",
            ["本年新收"]
        ),
        t3_row!(
            "carried_over",
            "二、上年结转政府信息公开申请数量",
            "二、上年结转",
            ["上年结转"]
        ),
        t3_row!(
            "disclosed",
            "（一）予以公开",
            "（一）予以公开",
            ["予以公开"]
        ),
        t3_row!(
            "partial",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            "（二）部分公开",
            ["部分公开"]
        ),
        t3_row!(
            "withheld_state_secret",
            "1.属于国家秘密",
            "（三）1.属于国家秘密",
            ["国家秘密"]
        ),
        t3_row!(
            "withheld_law",
            "2.其他法律行政法规禁止公开",
            "（三）2.其他法律行政法规禁止公开",
            ["法规禁止公开"]
        ),
        t3_row!(
            "withheld_safety",
            "3.危及“三安全一稳定”",
            "（三）3.危及“三安全一稳定”",
            ["三安全一稳定"]
        ),
        t3_row!(
            "withheld_third_party",
            "4.保护第三方合法权益",
            "（三）4.保护第三方合法权益",
            ["第三方合法权益"]
        ),
        t3_row!(
            "withheld_internal",
            "5.属于三类内部事务信息",
            "（三）5.属于三类内部事务信息",
            ["内部事务"]
        ),
        t3_row!(
            "withheld_process",
            "6.属于四类过程性信息",
            "（三）6.属于四类过程性信息",
            ["过程性信息"]
        ),
        t3_row!(
            "withheld_enforcement",
            "7.属于行政执法案卷",
            "（三）7.属于行政执法案卷",
            ["执法案卷"]
        ),
        t3_row!(
            "withheld_query",
            "8.属于行政查询事项",
            "（三）8.属于行政查询事项",
            ["行政查询事项"]
        ),
        t3_row!(
            "unavailable_not_held",
            "1.本机关不掌握相关政府信息",
            "（四）1.本机关不掌握相关政府信息",
            ["不掌握"]
        ),
        t3_row!(
            "unavailable_needs_creation",
            "2.没有现成信息需要另行制作",
            "（四）2.没有现成信息需要另行制作",
            ["另行制作"]
        ),
        t3_row!(
            "unavailable_unclear",
            "3.补正后申请内容仍不明确",
            "（四）3.补正后申请内容仍不明确",
            ["仍不明确"]
        ),
        t3_row!(
            "not_processed_petition",
            "1.信访举报投诉类申请",
            "（五）1.信访举报投诉类申请",
            ["信访"]
        ),
        t3_row!(
            "not_processed_repeat",
            "2.重复申请",
            "（五）2.重复申请",
            ["重复申请"]
        ),
        t3_row!(
            "not_processed_publication",
            "3.要求提供公开出版物",
            "（五）3.要求提供公开出版物",
            ["出版物"]
        ),
        t3_row!(
            "not_processed_mass",
            "4.无正当理由大量反复申请",
            "（五）4.无正当理由大量反复申请",
            ["大量反复"]
        ),
        t3_row!(
            "not_processed_confirm",
            "5.要求行政机关确认或重新出具已获取信息",
            "（五）5.要求行政机关确认或重新出具已获取信息",
            ["重新出具"]
        ),
        t3_row!(
            "other_no_correction",
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "（六）1.申请人无正当理由逾期不补正",
            ["逾期不补正"]
        ),
        t3_row!(
            "other_no_fee",
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "（六）2.申请人逾期未按收费通知要求缴纳费用",
            ["缴纳费用"]
        ),
        t3_row!("other_other", "3.其他", "（六）3.其他", ["其他"]),
        t3_row!("result_total", "（七）总计", "（七）总计", ["总计"]),
        t3_row!(
            "carried_forward",
            "四、结转下年度继续办理",
            "四、结转下年度继续办理",
            ["结转下年度"]
        ),
    ],
    columns: &[
        ColumnSpec {
            key: "natural",
            label: "自然人",
            kind: ValueKind::Count,
        },
        ColumnSpec {
            key: "commercial",
            label: "商业企业",
            kind: ValueKind::Count,
        },
        ColumnSpec {
            key: "research",
            label: "科研机构",
            kind: ValueKind::Count,
        },
        ColumnSpec {
            key: "public_interest",
            label: "社会公益组织",
            kind: ValueKind::Count,
        },
        ColumnSpec {
            key: "legal_service",
            label: "法律服务机构",
            kind: ValueKind::Count,
        },
        ColumnSpec {
            key: "other",
            label: "其他",
            kind: ValueKind::Count,
        },
        ColumnSpec {
            key: "total",
            label: "总计",
            kind: ValueKind::Count,
        },
    ],
    groups: &[
        Group {
            name: "results",
            keys: &[
                "disclosed",
                "partial",
                "withheld_state_secret",
                "withheld_law",
                "withheld_safety",
                "withheld_third_party",
                "withheld_internal",
                "withheld_process",
                "withheld_enforcement",
                "withheld_query",
                "unavailable_not_held",
                "unavailable_needs_creation",
                "unavailable_unclear",
                "not_processed_petition",
                "not_processed_repeat",
                "not_processed_publication",
                "not_processed_mass",
                "not_processed_confirm",
                "other_no_correction",
                "other_no_fee",
                "other_other",
            ],
        },
        Group {
            name: "withheld",
            keys: &[
                "withheld_state_secret",
                "withheld_law",
                "withheld_safety",
                "withheld_third_party",
                "withheld_internal",
                "withheld_process",
                "withheld_enforcement",
                "withheld_query",
            ],
        },
        Group {
            name: "unavailable",
            keys: &[
                "unavailable_not_held",
                "unavailable_needs_creation",
                "unavailable_unclear",
            ],
        },
        Group {
            name: "not_processed",
            keys: &[
                "not_processed_petition",
                "not_processed_repeat",
                "not_processed_publication",
                "not_processed_mass",
                "not_processed_confirm",
            ],
        },
        Group {
            name: "other_processing",
            keys: &["other_no_correction", "other_no_fee", "other_other"],
        },
        Group {
            name: "applicants",
            keys: &[
                "natural",
                "commercial",
                "research",
                "public_interest",
                "legal_service",
                "other",
            ],
        },
        Group {
            name: "organisations",
            keys: &[
                "commercial",
                "research",
                "public_interest",
                "legal_service",
                "other",
            ],
        },
    ],
};

const T4_COLUMNS: &[&str] = &["upheld", "corrected", "other", "pending", "total"];

pub static T4: TableSchema = TableSchema {
    key: TableKey::T4,
    label: "表四",
    title: "政府信息公开行政复议、行政诉讼情况",
    rows: &[
        RowSpec {
            key: "review",
            label: "行政复议",
            display: "行政复议",
            columns: T4_COLUMNS,
            keywords: &["行政复议"],
        },
        RowSpec {
            key: "direct_suit",
            label: "未经复议直接起诉",
            display: "行政诉讼·未经复议直接起诉",
            columns: T4_COLUMNS,
            keywords: &["未经复议直接起诉"],
        },
        RowSpec {
            key: "post_review_suit",
            label: "复议后起诉",
            display: "行政诉讼·复议后起诉",
            columns: T4_COLUMNS,
            keywords: &["复议后起诉"],
        },
    ],
    columns: &[
        ColumnSpec {
            key: "upheld",
            label: "结果维持",
            kind: ValueKind::Count,
        },
        ColumnSpec {
            key: "corrected",
            label: "结果纠正",
            kind: ValueKind::Count,
        },
        ColumnSpec {
            key: "other",
            label: "其他结果",
            kind: ValueKind::Count,
        },
        ColumnSpec {
            key: "pending",
            label: "尚未审结",
            kind: ValueKind::Count,
        },
        ColumnSpec {
            key: "total",
            label: "总计",
            kind: ValueKind::Count,
        },
    ],
    groups: &[
        Group {
            name: "blocks",
            keys: &["review", "direct_suit", "post_review_suit"],
        },
        Group {
            name: "outcomes",
            keys: &["upheld", "corrected", "other", "pending"],
        },
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_three_has_21_result_leaves_and_25_rows() {
        assert_eq!(T3.group("results").unwrap().keys.len(), 21);
        assert_eq!(T3.rows.len(), 25);
        assert_eq!(T4.rows.len() * T4.columns.len(), 15);
    }

    #[test]
    fn keys_are_unique_and_groups_refer_to_real_keys() {
        for key in TableKey::ALL {
            let s = key.schema();
            for (i, r) in s.rows.iter().enumerate() {
                assert!(s.rows[i + 1..].iter().all(|o| o.key != r.key), "{}", r.key);
                for c in r.columns {
                    assert!(s.column(c).is_some(), "{}.{c}", r.key);
                }
            }
            for g in s.groups {
                for k in g.keys {
                    assert!(
                        s.row(k).is_some() || s.column(k).is_some(),
                        "{}:{k}",
                        g.name
                    );
                }
            }
        }
    }

    /// Rule authors read keys in docs/model.md: every key and label is there.
    #[test]
    fn docs_model_lists_every_key() {
        let doc = include_str!("../../../docs/model.md");
        for key in TableKey::ALL {
            let s = key.schema();
            for r in s.rows {
                assert!(
                    doc.contains(&format!("| `{}` | {} |", r.key, r.label)),
                    "row {}",
                    r.key
                );
            }
            for c in s.columns {
                assert!(
                    doc.contains(&format!("| `{}` | {} |", c.key, c.label)),
                    "column {}",
                    c.key
                );
            }
            for g in s.groups {
                assert!(
                    doc.contains(&format!("| `{}` |", g.name)),
                    "group {}",
                    g.name
                );
            }
        }
    }

    #[test]
    fn place_names_row_and_column() {
        assert_eq!(T3.place("new", "natural"), "表三 一、本年新收·自然人");
        assert_eq!(T3.place("result_total", "natural"), "表三（七）总计·自然人");
    }
}
