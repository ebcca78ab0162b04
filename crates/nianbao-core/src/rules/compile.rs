//! Loading rule scripts: finding `*.rhai` files, compiling one into a
//! [`Rule`] with its metadata checked, and checking a pack's adjustments
//! against the rules loaded.

use std::path::Path;
use std::sync::Arc;

use rhai::{Dynamic, Engine, Map};

use super::examples_span::{self, examples_statement};
use super::meta::{Example, Examples, RuleMeta, parse_examples, parse_params, to_json};
use super::pack;
use super::rule::{Rule, RuleSettings, RuleSource};
use crate::finding::{RuleError, Severity};

/// Every `*.rhai` under `dir`, recursively, in path order, each named by
/// its path: the one walk over rule folders (the built-in rules embedded in
/// the binary are listed by their own embedding).
pub fn read_rule_dir(dir: &Path) -> std::io::Result<Vec<RuleSource>> {
    let mut out = Vec::new();
    collect_rhai(dir, &mut out)?;
    Ok(out)
}

fn collect_rhai(dir: &Path, out: &mut Vec<RuleSource>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let ty = e.file_type()?;
        if ty.is_dir() {
            collect_rhai(&path, out)?;
        } else if path.extension().is_some_and(|x| x == "rhai") {
            let text = std::fs::read_to_string(&path)?;
            out.push(RuleSource {
                path: path.display().to_string(),
                text,
            });
        }
    }
    Ok(())
}

pub(super) fn compile_rule(engine: &Arc<Engine>, src: &RuleSource) -> Result<Rule, RuleError> {
    // Compiled without its examples, which only `rules test`, `explain`
    // and `docs` read (see `examples_span`); should that fail, the whole
    // script, for the error it gives.
    let without_examples = examples_statement(&src.text)
        .and_then(|span| engine.compile(examples_span::without(&src.text, span)).ok());
    let examples_later = without_examples.is_some();
    let mut ast = match without_examples {
        Some(ast) => ast,
        None => engine
            .compile(&src.text)
            .map_err(|e| syntax_error(src, e))?,
    };
    ast.set_source(src.path.as_str());
    let err = |line: Option<usize>, message: String| RuleError {
        rule: None,
        file: src.path.clone(),
        line,
        message,
    };
    let consts = literal_constants(&ast);
    let text = |name: &str| -> Result<String, RuleError> {
        consts
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.clone().into_string().ok())
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| {
                err(
                    const_line(&src.text, name),
                    format!("缺少规则元数据：const {name} = \"…\";"),
                )
            })
    };
    let id = text("ID")?;
    if !id.split('-').all(|part| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    }) {
        return Err(err(
            const_line(&src.text, "ID"),
            format!("规则编号 \"{id}\" 不合规范：只用大写字母、数字和连字符，如 R3-IDENT"),
        ));
    }
    let severity_text = text("SEVERITY")?;
    let severity = Severity::parse(&severity_text).ok_or_else(|| {
        err(
            const_line(&src.text, "SEVERITY"),
            format!("SEVERITY 应为 error、warning 或 info，实为 \"{severity_text}\""),
        )
    })?;
    let examples = if examples_later {
        Examples::later(engine.clone(), id.clone(), src.clone())
    } else {
        Examples::read(examples_in(&consts, src)?)
    };
    let params = match consts.iter().find(|(n, _)| n == "PARAMS") {
        Some((_, v)) => parse_params(v).map_err(|m| err(const_line(&src.text, "PARAMS"), m))?,
        None => Map::new(),
    };
    let first_year = match consts.iter().find(|(n, _)| n == "FIRST_YEAR") {
        Some((_, v)) => Some(
            v.as_int()
                .ok()
                .and_then(|y| i32::try_from(y).ok())
                .filter(|y| (2000..=2100).contains(y))
                .ok_or_else(|| {
                    err(
                        const_line(&src.text, "FIRST_YEAR"),
                        format!("FIRST_YEAR 应为年份，如 2021，实为 {v}"),
                    )
                })?,
        ),
        None => None,
    };
    let scope = match pack::folders(&src.path) {
        None => None,
        Some((province, None)) => Some(pack::Scope {
            province,
            city: None,
            city_folder: None,
        }),
        Some((province, Some(folder))) => Some(pack::Scope {
            province,
            city: Some(text("CITY").map_err(|_| {
                err(
                    None,
                    format!("市级规则包 {folder} 中的规则须写明 const CITY = \"…市\";（市的全称）"),
                )
            })?),
            city_folder: Some(folder),
        }),
    };
    let meta = RuleMeta {
        id,
        title: text("TITLE")?,
        severity,
        basis: text("BASIS")?,
        description: text("DESCRIPTION").unwrap_or_default(),
        file: src.path.clone(),
        examples,
        params: params
            .iter()
            .filter_map(|(k, v)| Some((k.to_string(), to_json(v)?)))
            .collect(),
        scope: scope.as_ref().map(pack::Scope::label),
        first_year,
    };
    let has_check = ast
        .iter_functions()
        .any(|f| f.name == "check" && f.params.len() == 1);
    if !has_check {
        return Err(RuleError {
            rule: Some(meta.id),
            ..err(None, "缺少 fn check(report) 函数".into())
        });
    }
    let check_line = src
        .text
        .lines()
        .position(|l| l.trim_start().starts_with("fn check"))
        .map(|i| i + 1);
    Ok(Rule {
        meta,
        settings: RuleSettings {
            enabled: true,
            severity: None,
            params: Arc::new(params),
            configured: Default::default(),
        },
        scope,
        ast,
        check_line,
        from_base: false,
    })
}

/// The examples of a rule script's constants (`const EXAMPLES`, if any).
fn examples_in(consts: &[(String, Dynamic)], src: &RuleSource) -> Result<Vec<Example>, RuleError> {
    match consts.iter().find(|(n, _)| n == "EXAMPLES") {
        Some((_, v)) => parse_examples(v).map_err(|message| RuleError {
            rule: None,
            file: src.path.clone(),
            line: const_line(&src.text, "EXAMPLES"),
            message,
        }),
        None => Ok(Vec::new()),
    }
}

/// The examples of a rule compiled without them: the whole script compiled,
/// its examples read as loading always read them, with the same errors.
pub(super) fn examples_of(engine: &Engine, src: &RuleSource) -> Result<Vec<Example>, RuleError> {
    let ast = engine
        .compile(&src.text)
        .map_err(|e| syntax_error(src, e))?;
    examples_in(&literal_constants(&ast), src)
}

fn syntax_error(src: &RuleSource, e: rhai::ParseError) -> RuleError {
    RuleError {
        rule: None,
        file: src.path.clone(),
        line: e.1.line(),
        message: format!("脚本语法错误：{}", e.0),
    }
}

/// The script's top-level constants with literal values: its metadata.
fn literal_constants(ast: &rhai::AST) -> Vec<(String, Dynamic)> {
    ast.iter_literal_variables(true, false)
        .map(|(name, _, value)| (name.to_string(), value))
        .collect()
}

/// A pack may only adjust rules that exist, parameters they declare, with
/// values of the declared type.
pub(super) fn validate_pack(p: &pack::Pack, rules: &[Rule]) -> Result<(), RuleError> {
    let err = |message: String| RuleError {
        rule: None,
        file: p.file.clone(),
        line: None,
        message,
    };
    let find = |id: &str| {
        rules
            .iter()
            .find(|r| r.meta.id == id)
            .ok_or_else(|| err(format!("规则包「{}」调整了不存在的规则 {id}", p.name)))
    };
    for id in p.severity.keys() {
        find(id)?;
    }
    for (id, over) in &p.params {
        let rule = find(id)?;
        for (k, v) in over {
            let Some(default) = rule.settings.params.get(k.as_str()) else {
                return Err(err(format!(
                    "规则包「{}」设置了规则 {id} 没有的参数 {k}",
                    p.name
                )));
            };
            if !pack::same_type(default, v) {
                return Err(err(format!(
                    "规则包「{}」中 {id} 的参数 {k} 应与默认值 {default} 同类型，实为 {v}",
                    p.name
                )));
            }
        }
    }
    Ok(())
}

/// The line of `const NAME`, for metadata errors.
pub(super) fn const_line(text: &str, name: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            l.strip_prefix("const ").is_some_and(|r| {
                r.trim_start().starts_with(name)
                    && r.trim_start()[name.len()..].trim_start().starts_with('=')
            })
        })
        .map(|i| i + 1)
}
