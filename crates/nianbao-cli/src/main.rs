//! The `nianbao` command line.

mod embedded;
mod human;
mod json;
mod registry;
mod rules_cmd;
mod summary;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use nianbao_core::{FileResult, Limits, RuleSet, check_file};

use crate::summary::Summary;

/// 政府信息公开工作年度报告检查工具
#[derive(Parser)]
#[command(
    name = "nianbao",
    version,
    about = "检查政府信息公开工作年度报告（国办公开办函〔2021〕30号格式）"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 检查一个或多个年报文件（或目录）
    Check {
        /// 要检查的文件或目录
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
        format: OutputFormat,
        /// 用此目录下的 *.rhai 规则替换内置规则
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
    /// 规则：列出、说明
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
        /// 用此目录下的 *.rhai 规则替换内置规则
        #[arg(long, value_name = "DIR", global = true)]
        rules: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum RulesCommand {
    /// 列出全部规则（编号、级别、标题）
    List,
    /// 说明一条规则：描述、依据、文件、示例
    Explain { id: String },
    /// 运行每条规则自带的示例（EXAMPLES），检验规则是否按预期工作
    Test {
        /// 规则目录（默认为内置规则；也可用 --rules）
        dir: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    Human,
    Json,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) => {
            eprintln!("nianbao：{e:#}");
            ExitCode::from(2)
        }
    }
}

fn load_rules(dir: Option<&Path>) -> anyhow::Result<RuleSet> {
    let limits = Limits::default();
    Ok(match dir {
        Some(dir) => RuleSet::load_dir(dir, &limits)
            .with_context(|| format!("无法读取规则目录 {}", dir.display()))?,
        None => RuleSet::load(embedded::sources(), &limits),
    })
}

fn run(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Command::Check {
            paths,
            format,
            rules,
        } => {
            let rules = load_rules(rules.as_deref())?;
            let registry = registry::registry();
            let files = expand(&paths, &registry);
            let results: Vec<FileResult> = files
                .iter()
                .map(|p| check_file(&registry, &rules, p))
                .collect();
            let summary = Summary::of(&results, &rules.load_errors);
            let text = match format {
                OutputFormat::Json => json::render(&results, &rules.load_errors, &summary),
                OutputFormat::Human => {
                    let style = human::Style {
                        color: std::io::stdout().is_terminal()
                            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
                    };
                    human::render(&results, &rules.load_errors, &summary, &style)
                }
            };
            write_stdout(&text)?;
            Ok(summary.exit_code())
        }
        Command::Rules { command, rules } => {
            let dir = match &command {
                RulesCommand::Test { dir: Some(d) } => Some(d.clone()),
                _ => rules,
            };
            let rules = load_rules(dir.as_deref())?;
            for e in &rules.load_errors {
                eprintln!("规则加载失败：{e}");
            }
            let load_failed = !rules.load_errors.is_empty();
            match command {
                RulesCommand::List => write_stdout(&rules_cmd::list(&rules))?,
                RulesCommand::Explain { id } => match rules_cmd::explain(&rules, &id) {
                    Some(text) => write_stdout(&text)?,
                    None => anyhow::bail!("没有规则 {id}（用 nianbao rules list 查看全部规则）"),
                },
                RulesCommand::Test { .. } => {
                    let (text, ok) = rules_cmd::test(&rules);
                    write_stdout(&text)?;
                    if !ok && !load_failed {
                        return Ok(1);
                    }
                }
            }
            Ok(if load_failed { 2 } else { 0 })
        }
    }
}

/// Files as given; directories walked for the formats this build reads.
fn expand(paths: &[PathBuf], registry: &nianbao_core::Registry) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found = Vec::new();
            walk(p, registry, &mut found, 0);
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    out
}

fn walk(dir: &Path, registry: &nianbao_core::Registry, out: &mut Vec<PathBuf>, depth: usize) {
    // Depth bound: symlink loops cannot recurse forever.
    if depth > 32 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name.starts_with("~$") {
            continue;
        }
        if path.is_dir() {
            walk(&path, registry, out, depth + 1);
        } else if registry.handles_extension(&path) {
            out.push(path);
        }
    }
}

fn write_stdout(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        // `nianbao check … | head` is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("无法写出结果"),
    }
}
