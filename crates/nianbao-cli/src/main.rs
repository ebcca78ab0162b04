//! The `nianbao` command line.

#![forbid(unsafe_code)]

mod annotate;
mod batch;
mod discovery;
mod human;
mod password;
mod rules_cmd;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};

use nianbao_app::profile::{self, RuleOptions};
use nianbao_app::render::{html, json, sarif, xlsx};
use nianbao_app::{Run, cross_year, files, formats, fs, review, timings};

use crate::discovery::ConfigChoice;

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
        /// 在内置规则之外加载此目录下的 *.rhai 规则（编号与内置规则相同的，替换该内置规则）
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        /// 不加载内置规则，只用 --rules 目录（或配置的 rules_dir）中的规则
        #[arg(long, requires = "rules")]
        no_builtin_rules: bool,
        /// 并行检查的线程数（默认：全部 CPU 核）
        #[arg(short = 'j', long, value_name = "N")]
        jobs: Option<usize>,
        /// 把结果写入此文件（先写临时文件再改名）；xlsx 格式必须指定
        #[arg(short = 'o', long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// 不显示进度条和结束时的统计行
        #[arg(short = 'q', long)]
        quiet: bool,
        /// 上一年度的报告（跨年度核对：上年结转、现行有效件数、与上年雷同）
        #[arg(long, value_name = "FILE", conflicts_with = "previous_dir")]
        previous: Option<PathBuf>,
        /// 上一年度报告所在目录：按机关名称和年度与本年报告配对
        #[arg(long, value_name = "DIR")]
        previous_dir: Option<PathBuf>,
        /// 省份（拼音，如 jilin）：选用该省规则包；机关名称重名时据此确定所在地
        #[arg(long, value_name = "PINYIN")]
        province: Option<String>,
        /// 使用此配置文件（不再逐级查找 nianbao.toml）
        #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
        config: Option<PathBuf>,
        /// 不使用任何 nianbao.toml
        #[arg(long)]
        no_config: bool,
        /// 基线文件：其中已接受的问题不再显示、不计入退出码；不再出现的报告为「已整改」
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// 把本次发现的问题全部记入基线文件（视为已接受）
        #[arg(long, value_name = "FILE")]
        write_baseline: Option<PathBuf>,
        /// 也显示已接受（基线）和已忽略（[[ignore]]）的问题，并加标记
        #[arg(long)]
        show_suppressed: bool,
        /// 结束后在标准错误输出耗时统计：读取、识别和每条规则所用时间（全部文件之和）及占比；JSON 输出另加 timings
        #[arg(long)]
        timings: bool,
    },
    /// 把问题作为批注写入原文件的副本（DOCX：Word 批注；XLSX：单元格批注；PDF：高亮和注释），原文件不变
    Annotate {
        /// 要检查并批注的文件或目录
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// 批注副本的文件名（只批注一个文件时）
        #[arg(short = 'o', long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// 批注副本所在目录：文件名不变，保持子目录结构
        #[arg(long, value_name = "DIR", conflicts_with = "output")]
        out_dir: Option<PathBuf>,
        /// 在内置规则之外加载此目录下的 *.rhai 规则（编号与内置规则相同的，替换该内置规则）
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        /// 不加载内置规则，只用 --rules 目录（或配置的 rules_dir）中的规则
        #[arg(long, requires = "rules")]
        no_builtin_rules: bool,
        /// 并行检查的线程数（默认：全部 CPU 核）
        #[arg(short = 'j', long, value_name = "N")]
        jobs: Option<usize>,
        /// 不显示结束时的统计行
        #[arg(short = 'q', long)]
        quiet: bool,
        /// 上一年度的报告（跨年度核对）
        #[arg(long, value_name = "FILE", conflicts_with = "previous_dir")]
        previous: Option<PathBuf>,
        /// 上一年度报告所在目录：按机关名称和年度与本年报告配对
        #[arg(long, value_name = "DIR")]
        previous_dir: Option<PathBuf>,
        /// 省份（拼音，如 jilin）：选用该省规则包
        #[arg(long, value_name = "PINYIN")]
        province: Option<String>,
        /// 使用此配置文件（不再逐级查找 nianbao.toml）
        #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
        config: Option<PathBuf>,
        /// 不使用任何 nianbao.toml
        #[arg(long)]
        no_config: bool,
        /// 基线文件：其中已接受的问题不加批注、不计入退出码
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
    },
    /// 启动审核页面：在浏览器中上传年报、查看问题、接受或重新打开问题、下载批注副本
    Serve {
        #[command(subcommand)]
        command: Option<ServeCommand>,
        /// 监听的地址和端口（非本机地址须在数据目录的 nianbao.toml 中配置 [[serve.user]]）
        #[arg(long, value_name = "ADDR:PORT", default_value = nianbao_server::config::DEFAULT_LISTEN)]
        listen: std::net::SocketAddr,
        /// 数据目录：数据库、上传的文件、nianbao.toml（不存在则创建）
        #[arg(long, value_name = "DIR", default_value = nianbao_server::config::DEFAULT_DATA)]
        data: PathBuf,
    },
    /// 规则：列出、说明
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
        /// 在内置规则之外加载此目录下的 *.rhai 规则（编号与内置规则相同的，替换该内置规则）
        #[arg(long, value_name = "DIR", global = true)]
        rules: Option<PathBuf>,
        /// 不加载内置规则，只用 --rules 目录（或 rules test 的目录）中的规则
        #[arg(long, global = true)]
        no_builtin_rules: bool,
        /// 省份（拼音，如 jilin）：显示该省规则包调整后的级别和参数
        #[arg(long, value_name = "PINYIN", global = true)]
        province: Option<String>,
        /// 使用此配置文件（默认从当前目录逐级向上查找 nianbao.toml）
        #[arg(long, value_name = "FILE", global = true, conflicts_with = "no_config")]
        config: Option<PathBuf>,
        /// 不使用任何 nianbao.toml
        #[arg(long, global = true)]
        no_config: bool,
    },
}

#[derive(Subcommand)]
enum ServeCommand {
    /// 生成密码哈希：从标准输入读取密码，输出写入 [[serve.user]] password_hash 的 argon2 字符串
    HashPassword,
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
    /// 生成规则说明文档（Markdown，docs/rules.md 即由此生成）
    Docs,
    /// 新建一条省级（或市级）规则：带元数据和示例的脚本骨架
    New {
        /// 规则编号，如 JL-CONTACT（大写字母、数字、连字符）
        id: String,
        /// 省份拼音，如 jilin
        #[arg(long, value_name = "PINYIN")]
        province: String,
        /// 市级规则包的目录名（拼音，如 wuwei），须同时给出 --city-name
        #[arg(long, value_name = "PINYIN", requires = "city_name")]
        city: Option<String>,
        /// 市的全称，如 武威市
        #[arg(long, value_name = "NAME", requires = "city")]
        city_name: Option<String>,
        /// 规则目录（默认 ./rules）
        #[arg(long, value_name = "DIR", default_value = "rules")]
        dir: PathBuf,
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
        Err(e) if !e.use_stderr() => {
            // --help and --version.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            // `nianbao` alone: the overview is the answer.
            let _ = e.print();
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("{}", usage_error_zh(&e));
            return ExitCode::from(2);
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

/// A command-line mistake in Chinese: what was wrong, clap's suggestion when
/// it has one, and where to look.
fn usage_error_zh(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let context = |kind: ContextKind| match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let arg = context(ContextKind::InvalidArg);
    let value = context(ContextKind::InvalidValue);
    let what = match e.kind() {
        ErrorKind::UnknownArgument => format!("不认识的选项 {arg}"),
        ErrorKind::InvalidSubcommand => {
            format!("不认识的命令 {}", context(ContextKind::InvalidSubcommand))
        }
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数 {arg}"),
        ErrorKind::MissingSubcommand => {
            "缺少命令（check、annotate、extract、rules、serve）".to_string()
        }
        ErrorKind::InvalidValue if value.is_empty() => format!("{arg} 缺少值"),
        ErrorKind::InvalidValue => {
            let valid = context(ContextKind::ValidValue);
            if valid.is_empty() {
                format!("{arg} 的值「{value}」无效")
            } else {
                format!("{arg} 的值「{value}」无效，可选：{valid}")
            }
        }
        ErrorKind::ValueValidation => format!(
            "{arg} 的值「{value}」无效：{}",
            match std::error::Error::source(e).map(|s| s.to_string()) {
                Some(s) if s.contains("digit") || s.contains("number") => "应为正整数".into(),
                Some(s) => s,
                None => String::new(),
            }
        ),
        ErrorKind::ArgumentConflict => {
            format!("{arg} 不能与 {} 同用", context(ContextKind::PriorArg))
        }
        ErrorKind::TooManyValues => {
            format!("{arg} 给出的值太多")
        }
        ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => format!("{arg} 的值个数不对"),
        _ => {
            let text = e.to_string();
            let first = text
                .lines()
                .next()
                .unwrap_or("")
                .trim_start_matches("error: ");
            first.to_string()
        }
    };
    let suggestion = match context(ContextKind::SuggestedArg) {
        s if !s.is_empty() => format!("（是不是 {s}？）"),
        _ => match context(ContextKind::SuggestedSubcommand) {
            s if !s.is_empty() => format!("（是不是 {s}？）"),
            _ => String::new(),
        },
    };
    format!(
        "nianbao：命令行有误：{what}{suggestion}\n用法见 nianbao --help（或 nianbao <命令> --help）"
    )
}

fn run(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Command::Check {
            paths,
            format,
            rules,
            no_builtin_rules,
            jobs,
            output,
            quiet,
            previous,
            previous_dir,
            province,
            config,
            no_config,
            baseline,
            write_baseline,
            show_suppressed,
            timings,
        } => {
            if format == OutputFormat::Xlsx && output.is_none() {
                anyhow::bail!("xlsx 格式须用 -o 指定输出文件，例如：-o 汇总.xlsx");
            }
            let started = std::time::Instant::now();
            let registry = formats::registry();
            let files = files::expand(&paths, &registry);
            if files.is_empty() {
                return Err(batch::nothing_to_check(&paths, &registry));
            }
            let choice = ConfigChoice::from_flags(config, no_config);
            let loading = std::time::Instant::now();
            let cli_rules = RuleOptions {
                dir: rules.as_deref(),
                no_builtin: no_builtin_rules,
            };
            let profiles = discovery::profiles_for_files(&files, &choice, cli_rules)?;
            if let Some(note) = profiles
                .list
                .first()
                .and_then(|p| profile::rules_note(&p.rules, cli_rules))
            {
                eprintln!("{note}");
            }
            let load_time = loading.elapsed();
            // Read before checking: a bad baseline stops the run at once.
            let baseline = baseline.as_deref().map(review::read).transpose()?;
            let stderr_tty = std::io::stderr().is_terminal();
            let human = format == OutputFormat::Human;
            let pb = batch::progress(files.len(), human && !quiet && stderr_tty);
            if previous.is_some() && files.len() > 1 {
                anyhow::bail!("--previous 只能与一个报告文件同用；检查多个文件请用 --previous-dir");
            }
            let last_year = match (&previous, &previous_dir) {
                (Some(f), _) => Some(cross_year::LastYear::file(&registry, f)?),
                (None, Some(d)) => Some(cross_year::LastYear::dir(&registry, d)?),
                (None, None) => None,
            };
            if let Some(p) = province.as_deref() {
                cross_year::check_province(p)?;
            }
            let lookup = |r: &nianbao_core::Report| last_year.as_ref().and_then(|l| l.find(r));
            let run_options = nianbao_core::CheckOptions {
                reporter_kind: None,
                province: province.as_deref(),
                city: None,
                previous: last_year
                    .is_some()
                    .then_some(&lookup as &nianbao_core::check::PreviousLookup),
            };
            let jobs = jobs.unwrap_or(0);
            let mut results = nianbao_app::batch::check_all(
                &files,
                &registry,
                &profiles,
                &run_options,
                jobs,
                &|| pb.inc(1),
            )?;
            if let Some(l) = &last_year {
                if human && !quiet {
                    l.report_unpaired(&results);
                }
            }
            pb.finish_and_clear();
            let mut review = review::apply(&mut results, &profiles, baseline.as_ref());
            review.show_suppressed = show_suppressed;
            let threads = match jobs {
                0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
                n => n,
            };
            let run = Run {
                timings: timings.then(|| timings::Timings::of(&results, load_time, threads)),
                ..Run::new(&results, &profiles, review)
            };
            let bytes: Vec<u8> = match format {
                OutputFormat::Json => json::render(&run).into_bytes(),
                OutputFormat::Human => {
                    let style = human::Style {
                        color: output.is_none()
                            && std::io::stdout().is_terminal()
                            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
                    };
                    human::render(&run, &style).into_bytes()
                }
                OutputFormat::Sarif => sarif::render(&run).into_bytes(),
                OutputFormat::Html => html::render(&run).into_bytes(),
                OutputFormat::Xlsx => xlsx::render(&run)?,
            };
            if let Some(path) = &write_baseline {
                let entries = review::entries_of(&results);
                fs::write_atomic(path, review::render(&entries).as_bytes())
                    .context("无法写入基线文件")?;
                if !quiet {
                    eprintln!(
                        "已写入基线 {}：{} 项问题记为已接受。",
                        path.display(),
                        entries.len()
                    );
                }
            }
            match &output {
                Some(path) => {
                    fs::write_atomic(path, &bytes)?;
                    if !quiet {
                        eprintln!("已写入 {}", path.display());
                    }
                }
                None => write_stdout(&bytes)?,
            }
            if let Some(t) = &run.timings {
                eprint!("{}", t.table());
            }
            if human && !quiet {
                eprintln!("{}", run.summary.line_zh(started.elapsed()));
            }
            let code = run.summary.exit_code();
            // Everything found has just been accepted: only a failure to run
            // still fails.
            Ok(if write_baseline.is_some() && code == 1 {
                0
            } else {
                code
            })
        }
        Command::Annotate {
            paths,
            output,
            out_dir,
            rules,
            no_builtin_rules,
            jobs,
            quiet,
            previous,
            previous_dir,
            province,
            config,
            no_config,
            baseline,
        } => annotate::run(annotate::Options {
            paths,
            output,
            out_dir,
            rules,
            no_builtin_rules,
            jobs,
            quiet,
            previous,
            previous_dir,
            province,
            config,
            no_config,
            baseline,
        }),
        Command::Serve {
            command: Some(ServeCommand::HashPassword),
            ..
        } => {
            let password = password::read()?;
            let hash = nianbao_server::auth::hash_password(&password)?;
            println!("{hash}");
            Ok(0)
        }
        Command::Serve {
            command: None,
            listen,
            data,
        } => {
            nianbao_server::serve(nianbao_server::ServeConfig {
                listen,
                data,
                ..Default::default()
            })?;
            Ok(0)
        }
        Command::Extract { path, to } => {
            let report = nianbao_core::read_report(&formats::registry(), &path)
                .map_err(|e| anyhow::anyhow!("{}：{e}", path.display()))?;
            let yaml = formats::report_to_yaml(&report);
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
        Command::Rules {
            command,
            rules,
            no_builtin_rules,
            province,
            config,
            no_config,
        } => {
            let dir = match &command {
                RulesCommand::Test { dir: Some(d) } => Some(d.clone()),
                _ => rules,
            };
            let choice = ConfigChoice::from_flags(config, no_config);
            if no_builtin_rules && dir.is_none() {
                anyhow::bail!("--no-builtin-rules 须与 --rules DIR（或 rules test DIR）同用");
            }
            let cli_rules = RuleOptions {
                dir: dir.as_deref(),
                no_builtin: no_builtin_rules,
            };
            let profile = discovery::single_profile(&choice, cli_rules)?;
            if let Some(p) = province.as_deref() {
                cross_year::check_province(p)?;
            }
            // The packs of the province (--province, else the configuration's).
            let province = province.or(profile.province.clone());
            let city = match &profile.city {
                Some(folder) => nianbao_core::rules::pack::CityOf::Folder(folder),
                None => nianbao_core::rules::pack::CityOf::Name(None),
            };
            let rules = &profile.rules;
            let packs = rules.packs_for(province.as_deref(), city);
            if let Some(note) = profile::rules_note(rules, cli_rules) {
                eprintln!("{note}");
            }
            for e in &rules.load_errors {
                eprintln!("规则加载失败：{e}");
            }
            let load_failed = !rules.load_errors.is_empty();
            match command {
                RulesCommand::List => write_stdout(rules_cmd::list(rules, &packs).as_bytes())?,
                RulesCommand::Explain { id } => match rules_cmd::explain(rules, &id, &packs) {
                    Some(text) => write_stdout(text.as_bytes())?,
                    None => anyhow::bail!("没有规则 {id}（用 nianbao rules list 查看全部规则）"),
                },
                RulesCommand::Docs => write_stdout(rules_cmd::markdown(rules).as_bytes())?,
                RulesCommand::New {
                    id,
                    province,
                    city,
                    city_name,
                    dir,
                } => {
                    cross_year::check_province(&province)?;
                    let path = rules_cmd::new_rule(
                        &dir,
                        &id,
                        &province,
                        city.as_deref().zip(city_name.as_deref()),
                    )?;
                    println!(
                        "已创建 {}：请修改其中的标题、依据、说明、示例和 check 函数，然后运行 nianbao rules test {}",
                        path.display(),
                        dir.display()
                    );
                    return Ok(0);
                }
                RulesCommand::Test { .. } => {
                    let (text, ok) = rules_cmd::test(rules, cli_rules.dir.is_some());
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
