//! The `nianbao` command line.

#![forbid(unsafe_code)]

mod batch;
mod embedded;
mod html;
mod human;
mod json;
mod output;
mod registry;
mod rules_cmd;
mod sarif;
mod summary;
mod xlsx;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use nianbao_core::{Limits, RuleSet};

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
    /// 输出识别出的报告（YAML 格式可直接再检查）
    Extract {
        /// 要识别的文件
        path: PathBuf,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = ExtractFormat::Yaml)]
        to: ExtractFormat,
    },
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
        /// 并行检查的线程数（默认：全部 CPU 核）
        #[arg(short = 'j', long, value_name = "N")]
        jobs: Option<usize>,
        /// 把结果写入此文件（先写临时文件再改名）；xlsx 格式必须指定
        #[arg(short = 'o', long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// 不显示进度条和结束时的统计行
        #[arg(short = 'q', long)]
        quiet: bool,
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
enum ExtractFormat {
    Yaml,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    /// 中文，按文件分组
    Human,
    /// 稳定的机器格式（docs/json.md）
    Json,
    /// SARIF 2.1.0，供代码扫描工具查看
    Sarif,
    /// 单个自包含的 HTML 报告
    Html,
    /// Excel 汇总表（须用 -o 指定文件）
    Xlsx,
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
            jobs,
            output,
            quiet,
        } => {
            if format == OutputFormat::Xlsx && output.is_none() {
                anyhow::bail!("xlsx 格式须用 -o 指定输出文件，例如：-o 汇总.xlsx");
            }
            let started = std::time::Instant::now();
            let rules = load_rules(rules.as_deref())?;
            let registry = registry::registry();
            let files = batch::expand(&paths, &registry);
            let stderr_tty = std::io::stderr().is_terminal();
            let human = format == OutputFormat::Human;
            let pb = batch::progress(files.len(), human && !quiet && stderr_tty);
            let results = batch::check_all(&files, &registry, &rules, jobs.unwrap_or(0), &pb)?;
            pb.finish_and_clear();
            let summary = Summary::of(&results, &rules.load_errors);
            let bytes: Vec<u8> = match format {
                OutputFormat::Json => {
                    json::render(&results, &rules.load_errors, &summary).into_bytes()
                }
                OutputFormat::Human => {
                    let style = human::Style {
                        color: output.is_none()
                            && std::io::stdout().is_terminal()
                            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
                    };
                    human::render(&results, &rules.load_errors, &summary, &style).into_bytes()
                }
                OutputFormat::Sarif => sarif::render(&results, &rules, &summary).into_bytes(),
                OutputFormat::Html => html::render(&results, &rules, &summary).into_bytes(),
                OutputFormat::Xlsx => xlsx::render(&results, &rules, &summary)?,
            };
            match &output {
                Some(path) => output::write_atomic(path, &bytes)?,
                None => write_stdout(&bytes)?,
            }
            if human && !quiet {
                eprintln!("{}", summary.line_zh(started.elapsed()));
            }
            Ok(summary.exit_code())
        }
        Command::Extract { path, to } => {
            let report = nianbao_core::read_report(&registry::registry(), &path)
                .map_err(|e| anyhow::anyhow!("{}：{e}", path.display()))?;
            let yaml = nianbao_yaml::to_yaml(&report);
            let text = match to {
                ExtractFormat::Yaml => yaml,
                // The same schema as JSON: what the YAML adapter would read.
                ExtractFormat::Json => {
                    let value: serde_json::Value =
                        serde_saphyr::from_str(&yaml).context("内部错误：导出的 YAML 无法转换")?;
                    serde_json::to_string_pretty(&value)? + "\n"
                }
            };
            write_stdout(text.as_bytes())?;
            Ok(0)
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
                RulesCommand::List => write_stdout(rules_cmd::list(&rules).as_bytes())?,
                RulesCommand::Explain { id } => match rules_cmd::explain(&rules, &id) {
                    Some(text) => write_stdout(text.as_bytes())?,
                    None => anyhow::bail!("没有规则 {id}（用 nianbao rules list 查看全部规则）"),
                },
                RulesCommand::Test { .. } => {
                    let (text, ok) = rules_cmd::test(&rules);
                    write_stdout(text.as_bytes())?;
                    if !ok && !load_failed {
                        return Ok(1);
                    }
                }
            }
            Ok(if load_failed { 2 } else { 0 })
        }
    }
}

fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        // `nianbao check … | head` is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("无法写出结果"),
    }
}
