#!/usr/bin/env python3
"""Validates nianbao's SARIF output against the official SARIF 2.1.0 schema.

Usage: python3 tests/sarif_schema.py PATH/TO/nianbao

The schema (tests/sarif-schema-2.1.0.json) is the OASIS file
Schemata/sarif-schema-2.1.0.json ($id in its header), as shipped in the
serde-sarif 0.8.0 crate. Run by .ci/run after `cargo test`; needs the
`jsonschema` package from PyPI.
"""
import json
import pathlib
import subprocess
import sys
import tempfile

import jsonschema

ROOT = pathlib.Path(__file__).resolve().parent.parent


def sarif(binary, *paths):
    out = subprocess.run(
        [binary, "check", "--format", "sarif", *map(str, paths)],
        cwd=ROOT, capture_output=True, check=False,
    )
    if out.returncode not in (0, 1, 2):
        sys.exit(f"nianbao failed ({out.returncode}): {out.stderr.decode()}")
    return json.loads(out.stdout)


def main():
    binary = sys.argv[1]
    schema = json.loads((ROOT / "tests/sarif-schema-2.1.0.json").read_text())
    validator = jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        (tmp / "坏 文件.yaml").write_text("tables:\n  t3:\n    new: {natural: 1\n")
        (tmp / "junk.yaml").write_bytes(bytes([0, 159, 146, 150, 255]))
        (tmp / "seed copy.yaml").write_text((ROOT / "tests/fixtures/seed.yaml").read_text())
        bad_rules = tmp / "rules"
        bad_rules.mkdir()
        (bad_rules / "broken.rhai").write_text("const ID = \"X-1\";\nfn check(r) { [\n")
        cases = {
            "seed": sarif(binary, "tests/fixtures/seed.yaml"),
            "clean": sarif(binary, "tests/fixtures/clean.yaml"),
            "rules fixtures": sarif(binary, "tests/fixtures/rules"),
            "unreadable and absolute paths": sarif(binary, tmp, "tests/fixtures/seed.yaml"),
        }
        out = subprocess.run(
            [binary, "check", "--format", "sarif", "--rules", str(bad_rules),
             "tests/fixtures/seed.yaml"], cwd=ROOT, capture_output=True, check=False)
        cases["broken rule"] = json.loads(out.stdout)
        # Review workflow: suppressions, baselineState, fingerprints, and an
        # unused [[ignore]] as a configuration notification.
        review = tmp / "review"
        review.mkdir()
        seed = (ROOT / "tests/fixtures/seed.yaml").read_text()
        (review / "seed.yaml").write_text(seed)
        (review / "nianbao.toml").write_text(
            '[[ignore]]\nrule = "R3-IDENT"\ncolumn = "natural"\ntable = "t3"\nreason = "已核实"\n\n'
            '[[ignore]]\nrule = "R4-BLOCKSUM"\nfile = "*.docx"\nreason = "不会匹配"\n')
        baseline = review / "baseline.json"
        subprocess.run([binary, "check", "-q", "--write-baseline", str(baseline),
                        str(review / "seed.yaml")], cwd=ROOT, capture_output=True, check=True)
        (review / "seed.yaml").write_text(
            seed.replace("review: {upheld: 0,", "review: {upheld: 1,", 1))
        cases["baseline and ignores"] = sarif(
            binary, "--baseline", baseline, review / "seed.yaml")
    failed = 0
    for name, doc in cases.items():
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        results = len(doc["runs"][0]["results"])
        if errors:
            failed += 1
            for e in errors[:10]:
                print(f"  {name}: {'/'.join(map(str, e.path))}: {e.message}")
        print(f"sarif {name}: {results} results, {'INVALID' if errors else 'valid'}")
    if failed:
        sys.exit(1)
    print(f"{len(cases)} passed, 0 failed")


if __name__ == "__main__":
    main()
