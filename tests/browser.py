"""The review page of `nianbao serve` driven in headless Chromium (WebDriver).

Run by tests/browser.sh, which installs Chromium, its driver and selenium and
starts the server; this script only talks to the page, as a reviewer would:

    python3 tests/browser.py URL PROFILE_DIR [SCREENSHOT_DIR]

Every step prints `ok: …`; the first broken one prints `FAILED: …` and exits 1.
"""

import base64
import os
import io
import json
import pathlib
import re
import shutil
import sys
import time
import zipfile

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

FIXTURES = pathlib.Path("tests/fixtures").resolve()
SEED = FIXTURES / "seed.docx"
# The batch shown next to the seed: three clean reports and one unreadable file.
OTHERS = [
    FIXTURES / "clean" / "city_government.yaml",
    FIXTURES / "clean" / "county_department.yaml",
    FIXTURES / "clean" / "provincial_department.yaml",
    FIXTURES / "encrypted.pdf",
]
# The seed's table error: 表三（七）总计 of the natural-person column is 0, its items sum to 1.
TOTAL_ROW, TOTAL_COLUMN, TOTAL_FOUND = "（七）总计", "自然人", "0"
TOTAL_MESSAGE = "表三（七）总计·自然人 应为 1"
REASON = "已与单位核实（浏览器测试）"
WIDTH, HEIGHT = 1280, 900
STEP_SECONDS = 30


class Failed(Exception):
    pass


def check(what, ok, detail=""):
    if not ok:
        raise Failed(f"{what}{'：' + str(detail) if detail != '' else ''}")
    print(f"ok: {what}" + (f" ({detail})" if detail != "" else ""))


def start_chromium(profile):
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--hide-scrollbars", "--lang=zh-CN", "--force-device-scale-factor=1",
        f"--window-size={WIDTH},{HEIGHT}", f"--user-data-dir={profile}",
    ]:
        options.add_argument(flag)
    # The page asks for a reason with window.prompt: keep the dialog open for WebDriver.
    options.set_capability("unhandledPromptBehavior", "ignore")
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    # The viewport itself at 1280×900, whatever the headless window adds or takes.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False})
    return driver


def wait(driver, condition, what):
    try:
        # The page redraws a file after each decision: elements read meanwhile go stale.
        return WebDriverWait(driver, STEP_SECONDS, ignored_exceptions=[StaleElementReferenceException]).until(condition)
    except TimeoutException:
        raise Failed(f"{what}：{STEP_SECONDS} 秒内未出现") from None


def fetch(driver, url):
    """GET url from the page (same origin, same session); status, headers, bytes."""
    answer = driver.execute_async_script("""
        const [url, done] = arguments;
        fetch(url).then(async r => {
          const bytes = new Uint8Array(await r.arrayBuffer());
          let s = "";
          for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
          done({status: r.status, type: r.headers.get("content-type"),
                disposition: r.headers.get("content-disposition"), body: btoa(s)});
        }, e => done({status: 0, error: String(e)}));
    """, url)
    return answer, base64.b64decode(answer.get("body", ""))


def cells_text(row):
    return [td.text.strip() for td in row.find_elements(By.TAG_NAME, "td")]


def finding_box(driver, message):
    boxes = [b for b in driver.find_elements(By.CSS_SELECTOR, "#detail .finding") if message in b.text]
    check(f"one finding 「{message}…」 on the page", len(boxes) == 1, len(boxes))
    return boxes[0]


def log_in(driver, url):
    user, password = os.environ["NIANBAO_USER"], os.environ["NIANBAO_PASSWORD"]
    driver.get(url)
    wait(driver, lambda d: "/login" in d.current_url, "the log-in page (no session yet)")

    def submit(name, secret):
        driver.find_element(By.ID, "name").clear()
        driver.find_element(By.ID, "name").send_keys(name)
        driver.find_element(By.ID, "password").send_keys(secret)
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()

    submit(user, password + "-wrong")
    wait(driver, lambda d: "用户名或密码错误" in d.find_element(By.TAG_NAME, "body").text,
         "a wrong password refused")
    submit(user, password)
    wait(driver, lambda d: "/login" not in d.current_url and "年报审核" in d.title, "the page after log-in")
    cookie = driver.get_cookie("nianbao_session") or {}
    check("the session cookie is HttpOnly and SameSite=Strict",
          cookie.get("httpOnly") is True and cookie.get("sameSite") == "Strict", cookie)
    return user


def run(driver, url, shots):
    user = log_in(driver, url)
    check("the page opens", "年报审核" in driver.title, driver.title)

    # Upload: the file paths go to the page's <input type=file>, as a file chooser would.
    pick = driver.find_element(By.ID, "pick")
    pick.send_keys("\n".join(str(p) for p in [SEED, *OTHERS]))
    total = 1 + len(OTHERS)
    wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#batch tbody tr.file")) == total
         and not d.find_elements(By.CSS_SELECTOR, "#batch progress"), f"the batch table with {total} files")
    rows = {cells_text(r)[2]: r for r in driver.find_elements(By.CSS_SELECTOR, "#batch tbody tr.file")}
    check("every uploaded file has its row", sorted(rows) == sorted(p.name for p in [SEED, *OTHERS]), sorted(rows))
    seed = cells_text(rows[SEED.name])
    check("the seed's row: its agency, year, 3 errors, 有问题",
          seed[0] == "洮南市林业和草原局" and seed[1] == "2023" and seed[3] == "3" and seed[7] == "有问题", seed)
    for p in OTHERS[:3]:
        clean = cells_text(rows[p.name])
        check(f"{p.name}: no error, no warning, 未发现问题",
              clean[3] == "0" and clean[4] == "0" and clean[7] == "未发现问题", clean)
    locked = cells_text(rows["encrypted.pdf"])
    check("encrypted.pdf: 无法读取", locked[7].startswith("无法读取") and "加密" in locked[7], locked[7])

    # Open the seed: its findings by severity.
    rows[SEED.name].click()
    wait(driver, EC.presence_of_element_located((By.CSS_SELECTOR, "#detail section.file h2")), "the file's findings")
    headings = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "#detail h3")]
    check("findings grouped by severity", headings[:1] == ["错误（3）"] and headings[1].startswith("警告"), headings)
    box = finding_box(driver, TOTAL_MESSAGE)
    check("the finding gives its place and values",
          "位置：表三（七）总计·自然人" in box.text and "应为：1" in box.text and "实为：0" in box.text,
          box.text.splitlines()[1])
    check("the opened file's row is marked", "selected" in (rows[SEED.name].get_attribute("class") or ""))
    if shots:
        driver.execute_script("window.scrollTo(0, 0)")
        save(driver, shots / "serve-batch.png")

    # The table view: the recognised 表三 with the wrong cell highlighted.
    box.find_element(By.TAG_NAME, "summary").click()
    grid = wait(driver, lambda d: box.find_element(By.CSS_SELECTOR, "table.grid"), "表三 in the finding")
    check("the table view opens", grid.is_displayed() and grid.text.startswith("表三"))
    hits = grid.find_elements(By.CSS_SELECTOR, "td.hit")
    check("exactly one cell highlighted", len(hits) == 1, len(hits))
    hit = hits[0]
    row = hit.find_element(By.XPATH, "./ancestor::tr[1]")
    row_label = row.find_element(By.CSS_SELECTOR, "td.label").text.strip()
    column = driver.execute_script("return arguments[0].cellIndex", hit)
    header = grid.find_elements(By.CSS_SELECTOR, "thead th")[column].text.strip()
    check("the highlighted cell is 表三（七）总计·自然人 holding 0",
          (row_label, header, hit.text.strip()) == (TOTAL_ROW, TOTAL_COLUMN, TOTAL_FOUND),
          f"{row_label}·{header} = {hit.text.strip()}")
    if shots:
        # As much of the finding as fits above its table, the highlighted cell still in view.
        driver.execute_script("""
            const [box, hit] = arguments;
            const top = box.getBoundingClientRect().top + scrollY - 8;
            const bottom = hit.getBoundingClientRect().bottom + scrollY + 24;
            scrollTo(0, Math.max(top, bottom - innerHeight));""", box, hit)
        save(driver, shots / "serve-table.png")

    # Accept the finding with a reason (the page asks with window.prompt).
    accept = [b for b in box.find_elements(By.TAG_NAME, "button") if b.text.startswith("接受")]
    check("the finding has an accept button", len(accept) == 1)
    accept[0].click()
    alert = wait(driver, EC.alert_is_present(), "the prompt for a reason")
    check("the prompt asks for a reason", "理由" in alert.text, alert.text)
    alert.send_keys(REASON)
    alert.accept()
    wait(driver, lambda d: any("已接受：" + REASON in b.text and "accepted" in b.get_attribute("class")
                               for b in d.find_elements(By.CSS_SELECTOR, "#detail .finding")),
         "the finding shown as accepted")
    box = finding_box(driver, TOTAL_MESSAGE)
    badge = box.find_element(By.CSS_SELECTOR, ".badge.accepted").text
    check("the finding shows as accepted, with its reason and who", REASON in badge and user in badge, badge)
    check("it can be reopened", any(b.text == "重新打开" for b in box.find_elements(By.TAG_NAME, "button")))
    file_id = rows[SEED.name].get_attribute("data-id")
    answer, body = fetch(driver, f"/api/files/{file_id}")
    decisions = [g["decision"] for g in json.loads(body)["findings"] if g["decision"]]
    check("the server keeps the decision", answer["status"] == 200 and len(decisions) == 1
          and decisions[0]["state"] == "accepted" and decisions[0]["reason"] == REASON, decisions)

    # The annotated copy, from the page's link.
    link = driver.find_element(By.LINK_TEXT, "下载批注副本").get_attribute("href")
    answer, body = fetch(driver, link)
    check("the annotated copy downloads", answer["status"] == 200, answer.get("status"))
    check("named after the original with 「.批注」",
          "seed.%E6%89%B9%E6%B3%A8.docx" in (answer["disposition"] or "")
          or "seed.批注.docx" in (answer["disposition"] or ""), answer["disposition"])
    check("it is a zip", zipfile.is_zipfile(io.BytesIO(body)), f"{len(body)} bytes")
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        check("with word/comments.xml", "word/comments.xml" in z.namelist())
        comments = z.read("word/comments.xml").decode()
    count = len(re.findall(r"<w:comment ", comments))
    check("one comment per finding not accepted", count == 20, count)
    check("the accepted finding is left out", TOTAL_MESSAGE not in comments and "表三（七）总计·总计" in comments)


def save(driver, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    check(f"screenshot {path}", driver.save_screenshot(str(path)), f"{path.stat().st_size // 1024} KB")


def main():
    url, profile = sys.argv[1], sys.argv[2]
    shots = pathlib.Path(sys.argv[3]).resolve() if len(sys.argv) > 3 else None
    started = time.monotonic()
    driver = start_chromium(profile)
    try:
        run(driver, url, shots)
    except Failed as e:
        print(f"FAILED: {e}")
        return 1
    finally:
        driver.quit()
    print(f"browser test passed in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
