#!/usr/bin/env bash
# The review page of `nianbao serve` in a real browser: the server runs on a
# free port with a data folder whose nianbao.toml has one user (its password
# hashed by `nianbao serve hash-password`), and headless Chromium, driven
# through WebDriver (selenium, tests/browser.py), is sent to the log-in page,
# is refused with a wrong password, logs in, uploads the seed DOCX and four other
# files, checks the batch table, opens the seed, finds the table error's cell
# highlighted in 表三 (（七）总计·自然人), accepts that finding with a reason
# through the page's prompt, sees it accepted, and downloads the annotated copy
# from the page's link (a DOCX with word/comments.xml, the accepted finding
# left out).
#
# Usage: bash tests/browser.sh PATH/TO/nianbao [SCREENSHOT_DIR]
# With a second argument, the batch page and the table view (1280×900) are
# saved there as serve-batch.png and serve-table.png (docs/images/).
# Needs Debian's chromium and chromium-driver, CJK fonts and selenium
# (installed here when missing; .ci/run runs this).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "$1")
shots=${2:-}

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
python3 -c "import selenium" 2>/dev/null || python3 -m pip install -q selenium

tmp=$(mktemp -d)
server=
stop() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap stop EXIT

# One reviewer, as an office configures them.
user=审核员
password=nianbao-browser-test
mkdir -p "$tmp/data"
hash=$(printf '%s\n' "$password" | "$bin" serve hash-password)
printf '[[serve.user]]\nname = "%s"\npassword_hash = "%s"\n' "$user" "$hash" > "$tmp/data/nianbao.toml"

# Port 0: the system picks a free port; the server prints the address it got.
"$bin" serve --listen 127.0.0.1:0 --data "$tmp/data" > "$tmp/serve.log" 2>&1 &
server=$!
url=
for _ in $(seq 300); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$tmp/serve.log" || true)
  [ -n "$url" ] && break
  if ! kill -0 "$server" 2>/dev/null; then
    echo "nianbao serve stopped:" >&2; cat "$tmp/serve.log" >&2; exit 1
  fi
  sleep 0.1
done
if [ -z "$url" ]; then echo "nianbao serve printed no address in 30 s" >&2; exit 1; fi

if ! NIANBAO_USER="$user" NIANBAO_PASSWORD="$password" \
  python3 tests/browser.py "$url" "$tmp/profile" ${shots:+"$shots"}; then
  echo "the server's output:" >&2; cat "$tmp/serve.log" >&2; exit 1
fi
