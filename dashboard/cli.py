"""Command line: python -m dashboard COMMAND (see README). Exit 0 on success; on any error a
readable report on stderr and a non-zero exit code."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from scoring.errors import ValidationError
from scoring.texts import Refusal


CLI = None      # the operator at the server's command line acts as an administrator (see _operator)


def _engine(args, write: bool = True):
    """The database; a command that writes first brings the schema up to date (an empty database gets
    it whole), one that only reads refuses a database without one with a readable message."""
    from store.db import has_schema, make_engine, upgrade
    engine = make_engine(args.db)
    if write:
        upgrade(engine)
    elif not has_schema(engine):
        raise LookupError("the database is empty: run `python -m dashboard init` (or `seed` for the sample)")
    return engine


def _operator(args):
    from store.access import Scope
    return Scope(role="admin", user=getattr(args, "who", None) or "command line")


def _date(text: str):
    from datetime import date
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-06-01") from None


def _read_password() -> str:
    """One line on stdin (or typed twice at a terminal); never echoed, never logged."""
    import getpass
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != first:
            raise ValueError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_init(args) -> int:
    from store.dataset import init_database
    added = init_database(_engine(args), who=args.who)
    print("database ready: " + ", ".join(f"{v:,} {k}" for k, v in added.items()) + " added")
    return 0


def cmd_users(args) -> int:
    from store import accounts, signin
    engine, actor = _engine(args), _operator(args)
    if args.action == "add":
        user = accounts.add(engine, actor, args.name, args.role, _read_password(), lao=args.lao,
                            province=args.province, email=args.email)
        print(f"added {user.username} ({user.role})")
    elif args.action == "list":
        df = accounts.users(engine, actor)
        print(df.to_string(index=False) if len(df) else "no accounts")
    elif args.action in ("disable", "enable"):
        accounts.set_active(engine, actor, args.name, args.action == "enable")
        print(f"{args.name}: {args.action}d; its sessions have ended" if args.action == "disable"
              else f"{args.name}: enabled")
    elif args.action == "reset":
        print(accounts.reset(engine, actor, args.name))     # the one-time password, printed once
    elif args.action == "unlock":
        print(f"{args.name}: {signin.unlock(engine, actor, args.name)} lock(s) lifted")
    elif args.action == "provision-laos":
        return _provision(engine, actor, Path(args.out))
    return 0


def _provision(engine, actor, out: Path) -> int:
    from store import accounts
    from store.spreadsheet import to_csv_bytes
    if out.exists():
        raise FileExistsError(f"{out} exists: choose another file (it may hold passwords not yet handed out)")
    if out.suffix.lower() != ".csv":
        raise ValueError("--out must name a .csv file")
    new = accounts.provision_laos(engine, actor)
    out.touch(mode=0o600)                       # one-time passwords: readable by the operator only
    out.write_bytes(to_csv_bytes(new))
    print(f"wrote {len(new):,} new LAO accounts with one-time passwords to {out}" if len(new)
          else f"every LAO has an account already; {out} lists none")
    return 0


def cmd_round(args) -> int:
    from store import manage
    engine, actor = _engine(args), _operator(args)
    if args.action == "open":
        if args.window_open is None or args.window_close is None:
            raise ValueError("round open needs --window-open and --window-close")
        done = manage.open_round(engine, actor, args.year, args.window_open, args.window_close)
        print(f"round {args.year}: " + {"new": "opened", "reopened": "reopened", "window": "window moved"}[done]
              + f" ({args.window_open} to {args.window_close})")
    else:
        state = {"close": "closed", "publish": "published"}[args.action]
        old = manage.set_round_state(engine, actor, args.year, state)
        print(f"round {args.year}: {old} -> {state}")
    return 0


def cmd_import_catalogue(args) -> int:
    from store import manage
    engine, actor = _engine(args), _operator(args)
    data = Path(args.file).read_bytes()
    op = manage.check_catalogue if args.dry_run else manage.commit_catalogue
    check = op(engine, actor, args.year, data, Path(args.file).name)
    if not check.ok:
        from scoring.errors import ValidationError
        raise ValidationError(check.problems, "catalogue")
    print(check.summary("en"))
    return 0


def cmd_seed(args) -> int:
    from store.dataset import is_empty
    from store.seed import seed
    engine = _engine(args)
    if args.if_empty and not is_empty(engine):
        print("database already has data; nothing to do")
        return 0
    out = seed(engine, small=args.small)
    print(f"seeded {out['laos']:,} LAOs and {out['indicator_rows']:,} indicator rows "
          f"in {out['seconds']:.1f} s")
    return 0


def cmd_import_laos(args) -> int:
    from store.dataset import ensure_reference
    from store.registry import import_registry
    engine = _engine(args)
    ensure_reference(engine)                # the registry names provinces and districts: they must be there
    report = import_registry(engine, Path(args.file), who=args.who)
    print(report.summary("en"))
    return 0


def cmd_import(args) -> int:
    from store.imports import import_submissions
    report = import_submissions(_engine(args), Path(args.file), who=args.who, dry_run=args.dry_run,
                                correction=args.correction)
    print(report.summary("en"))
    return 0


def cmd_score(args) -> int:
    from store.materialise import rescore
    for year, n in rescore(_engine(args), args.year).items():
        print(f"{year}: scored {n:,} indicator rows")
    return 0


def cmd_export(args) -> int:
    from store.exports import export
    n = export(_engine(args, write=False), args.what, Path(args.out), year=args.year)
    print(f"wrote {n:,} rows to {args.out}")
    return 0


def write_report(engine, lao_code: str, year: int, out_path, lang: str = "th") -> Path:
    """`python -m dashboard report`: the operator runs it on the database itself, so every round
    (published or not) can be reported; the cover says when a round is not yet published."""
    from dashboard.report import build_pdf
    from scoring.scorecard import build
    from store.access import EVERYTHING
    from store.queries_lao import scorecard_inputs
    from store.steps import steps
    inputs = scorecard_inputs(engine, EVERYTHING, str(lao_code), int(year))
    if inputs is None:
        raise LookupError(f"unknown LAO code {lao_code!r}")
    if int(year) not in set(inputs.rounds["year"]):
        raise LookupError(f"no assessment round {year}")
    pdf = build_pdf(build(inputs), lang, steps=steps(engine, EVERYTHING, str(lao_code), int(year)))
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf)
    return out


def cmd_report(args) -> int:
    write_report(_engine(args, write=False), args.lao, args.year, Path(args.out), lang=args.lang)
    print(f"wrote {args.out}")
    return 0


def cmd_remind(args) -> int:
    from dashboard.links import public_base
    from store import reminders
    engine = _engine(args)
    report = reminders.send(engine, _operator(args), args.year, args.province, dry_run=args.dry_run,
                            link_base=public_base())
    for code in report.would_send:
        print(f"would remind {code}")
    for code in report.sent:
        print(f"sent {code}")
    for code, error in report.failed:
        print(f"failed {code}: {error}", file=sys.stderr)
    if report.no_address:
        print(f"no contact e-mail ({len(report.no_address):,}): " + ", ".join(report.no_address), file=sys.stderr)
    print(report.summary("en"))
    return 1 if report.failed else 0


def _province(text: str) -> str:
    if not (len(text) == 2 and text.isascii() and text.isdigit()):
        raise argparse.ArgumentTypeError(f"'{text}' is not a 2-digit province code")
    return text


def cmd_bench(args) -> int:
    from tools.bench import run
    for record in run(args):
        print(json.dumps(record, ensure_ascii=False), flush=True)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m dashboard", description="LAO minimum-standards dashboard tools")
    p.add_argument("--db", help="database URL (default: $DATABASE_URL, else data/lao.sqlite)")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("seed", help="build the sample database (replaces its contents)")
    s.add_argument("--small", action="store_true", help="4 provinces instead of the whole country")
    s.add_argument("--if-empty", action="store_true", help="only when the database has no LAOs yet")
    s.set_defaults(func=cmd_seed)
    s = sub.add_parser("import-laos", help="load the DLA registry CSV")
    s.add_argument("file")
    s.add_argument("--who", default="command line")
    s.set_defaults(func=cmd_import_laos)
    s = sub.add_parser("import", help="load a submissions file (CSV/XLSX), all or nothing")
    s.add_argument("file")
    s.add_argument("--dry-run", action="store_true", help="check only, change nothing")
    s.add_argument("--correction", metavar="REASON",
                   help="correct a published round: why (kept in the change log, shown on the methodology page)")
    s.add_argument("--who", default="command line")
    s.set_defaults(func=cmd_import)
    s = sub.add_parser("score", help="rescore and rebuild summaries")
    s.add_argument("--year", type=int)
    s.set_defaults(func=cmd_score)
    s = sub.add_parser("export", help="write laos, catalogue, results or summary as CSV/XLSX")
    s.add_argument("what", choices=["laos", "catalogue", "results", "summary"])
    s.add_argument("--year", type=int)
    s.add_argument("--out", required=True)
    s.set_defaults(func=cmd_export)
    s = sub.add_parser("report", help="the council report of one LAO as PDF")
    s.add_argument("--lao", required=True)
    s.add_argument("--year", type=int, required=True)
    s.add_argument("--out", required=True)
    s.add_argument("--lang", choices=["th", "en"], default="th")
    s.set_defaults(func=cmd_report)
    s = sub.add_parser("init", help="make an empty production database: schema, provinces and districts, the "
                                    "shipped catalogues; no synthetic data (safe to run again)")
    s.add_argument("--who", default="command line")
    s.set_defaults(func=cmd_init)
    s = sub.add_parser("import-catalogue", help="load an official indicator catalogue (CSV/XLSX) for one year")
    s.add_argument("year", type=int)
    s.add_argument("file")
    s.add_argument("--dry-run", action="store_true", help="check only, change nothing")
    s.add_argument("--who", default="command line")
    s.set_defaults(func=cmd_import_catalogue)
    s = sub.add_parser("users", help="local accounts: add, list, disable, enable, reset, unlock, provision-laos")
    users = s.add_subparsers(dest="action", required=True)
    u = users.add_parser("add", help="add an account (password: one line on stdin)")
    u.add_argument("name")
    u.add_argument("--role", required=True, choices=["lao", "monitor", "executive", "admin"])
    u.add_argument("--lao", help="7-digit LAO code (role lao)")
    u.add_argument("--province", help="2-digit province code (role monitor)")
    u.add_argument("--email")
    users.add_parser("list", help="every account (no passwords)")
    for action, text in (("disable", "stop an account signing in and end its sessions"),
                         ("enable", "let a disabled account sign in again"),
                         ("reset", "print a new one-time password (the user must change it)"),
                         ("unlock", "lift sign-in locks on a user name")):
        users.add_parser(action, help=text).add_argument("name")
    u = users.add_parser("provision-laos", help="one account per LAO that has none; one-time passwords to a CSV")
    u.add_argument("--out", required=True)
    for u in users.choices.values():
        u.add_argument("--who", default="command line")
    s.set_defaults(func=cmd_users)
    s = sub.add_parser("round", help="open, close or publish a round")
    rounds = s.add_subparsers(dest="action", required=True)
    r = rounds.add_parser("open", help="start (or reopen) a round with its entry window")
    r.add_argument("year", type=int)
    r.add_argument("--window-open", type=_date)
    r.add_argument("--window-close", type=_date)
    rounds.add_parser("close", help="stop entries").add_argument("year", type=int)
    rounds.add_parser("publish", help="make a closed round's results public").add_argument("year", type=int)
    for r in rounds.choices.values():
        r.add_argument("--who", default="command line")
    s.set_defaults(func=cmd_round)
    s = sub.add_parser("remind", help="e-mail (in Thai) the LAOs of an open round that have not submitted or were "
                                      "returned; each reminder once; failed ones are tried again next run")
    s.add_argument("--year", type=int, required=True)
    s.add_argument("--province", type=_province, help="only this province (2 digits)")
    s.add_argument("--dry-run", action="store_true", help="list who would be reminded, send nothing")
    s.add_argument("--who", default="command line")
    s.set_defaults(func=cmd_remind)
    s = sub.add_parser("bench", help="performance figures, one JSON object per line")
    s.add_argument("--only", help="comma-separated: seed, scoring, import, pages, maps, pdf, memory, entry")
    s.set_defaults(func=cmd_bench)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except ValidationError as exc:
        print(exc.report("en"), file=sys.stderr)
        print(f"rejected: {len(exc.problems)} problem(s); nothing was changed", file=sys.stderr)
        return 2
    except BrokenPipeError:                 # `... | head`: the reader has what it wanted
        return 0
    except Refusal as exc:                  # RoundError, AccountError, ...: the reason in plain words
        print(f"error: {exc.text('en')}", file=sys.stderr)
        return 1
    except (OSError, ValueError, LookupError, PermissionError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - a database that does not answer, a broken file: never a traceback
        from store.db import fault_kind
        kind = fault_kind(exc)
        if kind is None:
            raise
        print(f"error: the database is {kind.replace('_', ' ')} ({type(exc).__name__})", file=sys.stderr)
        return 1
