"""Command line: python -m dashboard COMMAND (see README). Exit 0 on success; on any error a
readable report on stderr and a non-zero exit code."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from scoring.errors import ValidationError


def _engine(args):
    from store.db import make_engine
    return make_engine(args.db)


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
    from store.registry import import_registry
    report = import_registry(_engine(args), Path(args.file), who=args.who)
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
    n = export(_engine(args), args.what, Path(args.out), year=args.year)
    print(f"wrote {n:,} rows to {args.out}")
    return 0


def cmd_report(args) -> int:
    from dashboard.report import write_report
    write_report(_engine(args), args.lao, args.year, Path(args.out), lang=args.lang)
    print(f"wrote {args.out}")
    return 0


def cmd_bench(args) -> int:
    from dashboard.bench import run
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
    s = sub.add_parser("bench", help="performance figures, one JSON object per line")
    s.add_argument("--only", help="comma-separated: seed, scoring, import, pages, maps, pdf, memory")
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
    except (OSError, ValueError, LookupError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
