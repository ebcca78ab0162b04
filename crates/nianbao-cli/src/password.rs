//! Reading a password for `nianbao serve hash-password`: typed twice without
//! echo at a terminal, or one line from a pipe.

use std::io::{BufRead, IsTerminal};
use std::process::Command;

use anyhow::{Context, bail};

/// Turns the terminal's echo on or off through `stty` (no extra crate, no
/// unsafe); where there is no `stty`, the password is echoed.
fn set_echo(on: bool) {
    let _ = Command::new("stty")
        .arg(if on { "echo" } else { "-echo" })
        .status();
}

fn read_line() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("无法从标准输入读取密码")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

fn prompt(text: &str) -> anyhow::Result<String> {
    eprint!("{text}");
    set_echo(false);
    let line = read_line();
    set_echo(true);
    eprintln!();
    line
}

/// The password to hash.
pub fn read() -> anyhow::Result<String> {
    let password = if std::io::stdin().is_terminal() {
        let first = prompt("密码：")?;
        let again = prompt("再输入一次：")?;
        if first != again {
            bail!("两次输入的密码不一致");
        }
        first
    } else {
        read_line()?
    };
    if password.is_empty() {
        bail!("密码不能为空");
    }
    Ok(password)
}
