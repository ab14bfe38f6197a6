"""Self-tests for scripts/check-dependencies: each rule refuses what it should, on synthetic
`cargo metadata`, and lets good input through. Run: python3 scripts/check_dependencies_test.py
"""

import contextlib
import importlib.machinery
import importlib.util
import io
import json
import sys
import tempfile
import tomllib
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
_loader = importlib.machinery.SourceFileLoader("check_dependencies", str(HERE / "check-dependencies"))
_spec = importlib.util.spec_from_loader("check_dependencies", _loader)
cd = importlib.util.module_from_spec(_spec)
sys.modules["check_dependencies"] = cd  # dataclasses look their module up
_loader.exec_module(cd)

POLICY_TOML = """
[licenses]
allow = ["MIT", "Apache-2.0", "Apache-2.0 WITH LLVM-exception", "Unicode-3.0", "ISC"]
private = { ignore = true }
exceptions = [{ crate = "special", allow = ["MPL-2.0"] }]

[bans]
multiple-versions = "warn"
deny = [
    { crate = "openssl", reason = "one TLS stack: rustls" },
    { crate = "old-thing@0.1.0", reason = "0.1.0 is broken" },
    { crate = "tokio", deny-multiple-versions = true, reason = "one async runtime" },
]
"""


def policy(text=POLICY_TOML):
    return cd.load_policy(tomllib.loads(text))


def package(name, version="1.0.0", license="MIT", license_file=None, publish=None):
    return {
        "id": f"registry+https://github.com/rust-lang/crates.io-index#{name}@{version}",
        "name": name,
        "version": version,
        "license": license,
        "license_file": license_file,
        "publish": publish,
    }


def own(name):
    p = package(name, "0.1.0", "AGPL-3.0-or-later", publish=[])
    p["id"] = f"path+file:///work/{name}#0.1.0"
    return p


def metadata(*packages, unresolved=()):
    """Metadata whose resolved graph holds `packages`; `unresolved` are listed but not in it."""
    return {
        "packages": list(packages) + list(unresolved),
        "workspace_members": [p["id"] for p in packages if p["id"].startswith("path+")],
        "resolve": {"nodes": [{"id": p["id"], "dependencies": []} for p in packages]},
    }


GOOD = [
    own("server"),
    package("serde", "1.0.200", "MIT OR Apache-2.0"),
    package("unicode-ident", "1.0.12", "(MIT OR Apache-2.0) AND Unicode-3.0"),
    package("wasi", "0.11.0", "Apache-2.0 WITH LLVM-exception OR Apache-2.0 OR MIT"),
    package("legacy", "0.3.0", "MIT/Apache-2.0"),
    package("ring", "0.17.14", "Apache-2.0 AND ISC"),
    package("tokio", "1.40.0"),
]


class Spdx(unittest.TestCase):
    def test_precedence_with_over_and_over_or(self):
        self.assertEqual(
            cd.parse_spdx("MIT OR Apache-2.0 WITH LLVM-exception AND ISC"),
            ("or", [
                ("licence", "MIT", None),
                ("and", [("licence", "Apache-2.0", "LLVM-exception"), ("licence", "ISC", None)]),
            ]),
        )

    def test_parentheses_group(self):
        self.assertEqual(
            cd.parse_spdx("(MIT OR Apache-2.0) AND Unicode-3.0"),
            ("and", [
                ("or", [("licence", "MIT", None), ("licence", "Apache-2.0", None)]),
                ("licence", "Unicode-3.0", None),
            ]),
        )

    def test_legacy_slash_and_lowercase_operators_mean_or(self):
        expected = ("or", [("licence", "MIT", None), ("licence", "Apache-2.0", None)])
        for text in ["MIT/Apache-2.0", "MIT / Apache-2.0", "MIT or Apache-2.0"]:
            self.assertEqual(cd.parse_spdx(text), expected, text)

    def test_unreadable_expressions_are_refused(self):
        for text in ["", "  ", "MIT OR", "(MIT", "MIT)", "MIT AND AND ISC", "GPL-3.0 WITH",
                     "MIT Apache-2.0", "WITH MIT", "()", "MIT, Apache-2.0"]:
            with self.assertRaises(cd.SpdxError, msg=text):
                cd.parse_spdx(text)

    def test_satisfied_by_the_allow_list(self):
        allowed = policy().allowed
        cases = {
            "MIT": True,
            "mit": True,  # SPDX identifiers ignore case
            "MIT OR Apache-2.0": True,
            "GPL-3.0-only OR MIT": True,
            "GPL-3.0-only": False,
            "MIT AND GPL-3.0-only": False,
            "(MIT OR GPL-3.0-only) AND (LGPL-2.1-only OR ISC)": True,
            "(MIT OR Apache-2.0) AND Unicode-DFS-2016": False,
            "Apache-2.0 WITH LLVM-exception": True,
            "MIT/GPL-2.0-or-later": True,
            "Unlicense/GPL-2.0-or-later": False,
        }
        for text, expected in cases.items():
            self.assertEqual(cd.satisfied(cd.parse_spdx(text), allowed), expected, text)

    def test_an_exception_must_be_allowed_with_its_licence(self):
        allowed = cd.allow_keys(["Apache-2.0"], "test")
        self.assertFalse(cd.satisfied(cd.parse_spdx("Apache-2.0 WITH LLVM-exception"), allowed))
        self.assertTrue(cd.satisfied(cd.parse_spdx("Apache-2.0"), allowed))


class Check(unittest.TestCase):
    def run_check(self, *packages, config=POLICY_TOML, unresolved=()):
        return cd.check(metadata(*packages, unresolved=unresolved), policy(config))

    def assertOneProblem(self, report, *fragments):
        self.assertEqual(len(report.problems), 1, report.problems)
        for fragment in fragments:
            self.assertIn(fragment, report.problems[0])

    def test_good_graph_passes(self):
        report = self.run_check(*GOOD)
        self.assertEqual(report.problems, [])
        self.assertEqual(report.warnings, [])
        self.assertIn("licences: 6 crates checked", report.notes[0])
        self.assertIn("1 of our own skipped", report.notes[0])

    def test_disallowed_licence_names_crate_version_and_licence(self):
        report = self.run_check(*GOOD, package("copyleft", "2.3.4", "GPL-3.0-only OR LGPL-2.1-only"))
        self.assertOneProblem(report, "copyleft 2.3.4", "licence", "GPL-3.0-only, LGPL-2.1-only")

    def test_and_needs_every_licence(self):
        report = self.run_check(package("mixed", "1.0.0", "MIT AND MPL-2.0"))
        self.assertOneProblem(report, "mixed 1.0.0", "not on it: MPL-2.0")

    def test_unreadable_licence_fails(self):
        report = self.run_check(package("odd", "0.1.0", "MIT OR"))
        self.assertOneProblem(report, "odd 0.1.0", "cannot be read")

    def test_exception_allows_a_licence_for_that_crate_only(self):
        report = self.run_check(package("special", "1.0.0", "MPL-2.0"), package("other", "1.0.0", "MPL-2.0"))
        self.assertOneProblem(report, "other 1.0.0", "MPL-2.0")

    def test_licence_file_only_fails_until_clarified(self):
        crate = package("filed", "0.2.0", None, license_file="LICENSE")
        self.assertOneProblem(self.run_check(crate), "filed 0.2.0", "license-file = 'LICENSE'", "clarify")
        clarified = POLICY_TOML.replace(
            "[bans]",
            '[[licenses.clarify]]\ncrate = "filed"\nexpression = "ISC"\n'
            'license-files = [{ path = "LICENSE", hash = 0x1 }]\n\n[bans]',
        )
        self.assertEqual(self.run_check(crate, config=clarified).problems, [])

    def test_our_own_crates_are_skipped_only_while_unpublished_and_private_ignore_is_set(self):
        self.assertEqual(self.run_check(own("server")).problems, [])
        published = own("server") | {"publish": None}
        self.assertOneProblem(self.run_check(published), "server 0.1.0", "AGPL-3.0-or-later")
        not_ignored = POLICY_TOML.replace("private = { ignore = true }", "")
        self.assertOneProblem(self.run_check(own("server"), config=not_ignored), "server 0.1.0")

    def test_banned_crate_fails_with_its_reason(self):
        report = self.run_check(*GOOD, package("openssl", "0.10.66", "Apache-2.0"))
        self.assertOneProblem(report, "openssl 0.10.66", "banned", "one TLS stack: rustls")

    def test_a_ban_with_a_version_bans_that_version_only(self):
        self.assertOneProblem(self.run_check(package("old-thing", "0.1.0")), "old-thing 0.1.0", "0.1.0 is broken")
        self.assertEqual(self.run_check(package("old-thing", "0.2.0")).problems, [])

    def test_only_the_resolved_graph_counts(self):
        report = self.run_check(*GOOD, unresolved=[package("openssl", "0.10.66", "GPL-3.0-only")])
        self.assertEqual(report.problems, [])

    def test_two_versions_of_a_one_version_crate_fail(self):
        report = self.run_check(*GOOD, package("tokio", "0.2.25"))
        self.assertOneProblem(report, "tokio 0.2.25, 1.40.0", "2 versions", "one async runtime")

    def test_other_duplicates_only_warn_with_a_count(self):
        report = self.run_check(*GOOD, package("rand", "0.8.5"), package("rand", "0.9.0"),
                                package("syn", "1.0.109"), package("syn", "2.0.0"))
        self.assertEqual(report.problems, [])
        self.assertEqual(len(report.warnings), 1)
        self.assertTrue(report.warnings[0].startswith("2 crates in more than one version"))
        self.assertIn("rand 0.8.5, 0.9.0", report.warnings[0])

    def test_multiple_versions_deny_makes_every_duplicate_fail(self):
        config = POLICY_TOML.replace('multiple-versions = "warn"', 'multiple-versions = "deny"')
        report = self.run_check(package("rand", "0.8.5"), package("rand", "0.9.0"), config=config)
        self.assertOneProblem(report, "rand 0.8.5, 0.9.0")

    def test_versions_sort_numerically(self):
        report = self.run_check(package("rand", "0.10.0"), package("rand", "0.9.0"))
        self.assertIn("rand 0.9.0, 0.10.0", report.warnings[0])

    def test_metadata_without_resolve_is_refused(self):
        with self.assertRaises(cd.PolicyError):
            cd.check({"packages": [], "workspace_members": [], "resolve": None}, policy())


class Config(unittest.TestCase):
    def test_the_projects_deny_toml(self):
        with open(HERE.parent / "deny.toml", "rb") as f:
            p = cd.load_policy(tomllib.load(f))
        self.assertEqual(
            {spec.name for spec, _ in p.banned},
            {"openssl", "openssl-sys", "native-tls", "aws-lc-sys", "aws-lc-rs", "tower-sessions-sqlx-store"},
        )
        self.assertEqual(
            set(p.one_version),
            {"tokio", "sqlx-core", "sea-orm", "axum", "hyper", "http", "async-graphql",
             "tower-sessions", "leptos", "wasm-bindgen", "serde", "rustls"},
        )
        self.assertTrue(all(p.one_version.values()), "every one-version crate says why")
        self.assertTrue(all(reason for _, reason in p.banned), "every ban says why")
        self.assertIn("apache-2.0 with llvm-exception", p.allowed)
        self.assertNotIn("mpl-2.0", p.allowed)  # add it only when a crate needs it, saying why
        self.assertTrue(p.ignore_private)

    def test_settings_this_checker_cannot_apply_are_refused(self):
        bad = [
            '[licenses]\nallow = ["MIT OR Apache-2.0"]',
            '[licenses]\nallow = ["MIT ("]',
            '[bans]\ndeny = [{ crate = "openssl", wrappers = ["x"] }]',
            '[bans]\ndeny = ["openssl:<0.10"]',
            '[bans]\nmultiple-versions = "maybe"',
        ]
        for text in bad:
            with self.assertRaises(cd.PolicyError, msg=text):
                policy(text)


class CommandLine(unittest.TestCase):
    def run_main(self, *packages):
        with tempfile.TemporaryDirectory() as tmp:
            meta, config = Path(tmp, "metadata.json"), Path(tmp, "deny.toml")
            meta.write_text(json.dumps(metadata(*packages)))
            config.write_text(POLICY_TOML)
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = cd.main(["--config", str(config), "--metadata", str(meta)])
            return code, out.getvalue(), err.getvalue()

    def test_exit_code_and_messages(self):
        code, out, err = self.run_main(*GOOD)
        self.assertEqual(code, 0, err)
        self.assertIn("dependency policy: ok", out)

        code, out, err = self.run_main(*GOOD, package("native", "0.2.0", "GPL-2.0-only"))
        self.assertEqual(code, 1)
        self.assertIn("error: native 0.2.0: licence 'GPL-2.0-only' is not satisfied", err)
        self.assertIn("1 problem(s)", err)

    def test_a_broken_config_is_exit_code_2(self):
        with tempfile.TemporaryDirectory() as tmp:
            config = Path(tmp, "deny.toml")
            config.write_text("[licenses\n")
            err = io.StringIO()
            with contextlib.redirect_stderr(err):
                self.assertEqual(cd.main(["--config", str(config), "--metadata", "/nonexistent"]), 2)
            self.assertIn(str(config), err.getvalue())
            config.write_text(POLICY_TOML)
            with contextlib.redirect_stderr(io.StringIO()):
                self.assertEqual(cd.main(["--config", str(config), "--metadata", "/nonexistent"]), 2)


if __name__ == "__main__":
    unittest.main()
